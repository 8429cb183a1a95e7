import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { InProcessBus } from '#csms/bus';
import { openTestDatabase, type TestDatabase } from '../test-support/database.js';
import { firmwareReplica, TEST_SIGNING_CERTIFICATE as PEM } from '../test-support/firmware.js';

/** Replicas sharing one database: each its own store, queue and engine. */
const replica = (t: TestDatabase, bus: InProcessBus): ReturnType<typeof firmwareReplica> => firmwareReplica(t.db, bus);

describe('firmware campaign engine on PGlite', () => {
  let t: TestDatabase;
  let bus: InProcessBus;
  const IDS = ['FW1', 'FW2', 'FW3', 'FW4', 'FW5', 'FW6'];

  beforeAll(async () => {
    t = await openTestDatabase();
    bus = new InProcessBus();
    // Known to the registry and offline: the queue stores their commands without delivering.
    for (const id of IDS) await t.db.query(`INSERT INTO config_chargers (charger_id, model, firmware_version) VALUES ($1, 'zaptec-go', '2.4.2.4')`, [id]);
  });
  afterAll(async () => {
    await bus.close();
    await t.close();
  });

  const counts = async (campaignId: string): Promise<Record<string, number>> => {
    const rows: Array<{ state: string; n: string }> = await t.db.query(
      `SELECT state, count(*) AS n FROM config_firmware_campaign_chargers WHERE campaign_id = $1 GROUP BY state`,
      [campaignId],
    );
    return Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]));
  };

  it('two replicas advancing at once start one wave once; a bad wave pauses, resume starts the next; success only from the boot', async () => {
    const a = replica(t, bus);
    const b = replica(t, bus);
    const created = await a.service.create({
      target: { chargerIds: IDS },
      targetVersion: '2.5.0.0',
      location: 'https://fw.example/go/2.5.0.0.bin',
      policy: { waveSize: 3, failureThresholdPct: 20, perChargerTimeoutS: 600 },
    });
    if (!created.ok) throw new Error(JSON.stringify(created.body));
    const id = created.data.campaignId;
    await Promise.all([a.engine.advance(id), b.engine.advance(id), a.engine.advance(id), b.engine.advance(id)]);
    await Promise.all([a.engine.idle(), b.engine.idle()]);
    expect(await counts(id)).toEqual({ queued: 3, pending: 3 });
    const commands: Array<{ charger_id: string; n: string }> = await t.db.query(
      `SELECT charger_id, count(*) AS n FROM config_queued_commands WHERE action = 'UpdateFirmware' GROUP BY charger_id ORDER BY charger_id`,
    );
    expect(commands.map((r) => [r.charger_id, Number(r.n)])).toEqual([
      ['FW1', 1],
      ['FW2', 1],
      ['FW3', 1],
    ]);

    // Offline charger coming back with its old version while its command waits: still queued.
    await a.engine.onBoot('FW1', '2.4.2.4');
    expect(await counts(id)).toEqual({ queued: 3, pending: 3 });

    for (const s of ['Downloading', 'Downloaded', 'Installing', 'Installed']) {
      await a.engine.onFirmwareStatus('FW1', s);
      await b.engine.onFirmwareStatus('FW2', s);
    }
    await a.engine.onFirmwareStatus('FW3', 'Downloading');
    await a.engine.onFirmwareStatus('FW3', 'DownloadFailed');
    expect(await counts(id)).toEqual({ installed: 2, failed: 1, pending: 3 });
    await a.engine.onBoot('FW1', '2.5.0.0');
    await b.engine.onBoot('FW2', '2.4.2.4');
    await Promise.all([a.engine.idle(), b.engine.idle()]);
    expect(await counts(id)).toEqual({ succeeded: 1, failed: 2, pending: 3 });

    const paused = await a.service.get({ campaignId: id });
    expect(paused.ok && paused.data).toMatchObject({ state: 'paused', pausedReason: { code: 'failure_threshold', wave: 0, failurePct: 66.67 } });
    const resumed = await b.service.resume(id);
    expect(resumed.ok && resumed.data.state).toBe('running');
    await Promise.all([a.engine.idle(), b.engine.idle()]);
    expect(await counts(id)).toEqual({ succeeded: 1, failed: 2, queued: 3 });

    const cancelled = await a.service.cancel(id, 'test');
    expect(cancelled.ok && cancelled.data).toMatchObject({ state: 'cancelled', counts: { succeeded: 1, failed: 2, cancelled: 3 } });
  });

  it('a boot on the target version read just before a Downloaded was written still succeeds (the rule is applied again to the row as it is now)', async () => {
    const RACE = ['FWR1'];
    await t.db.query(`INSERT INTO config_chargers (charger_id, model, firmware_version) VALUES ('FWR1', 'zaptec-go', '2.4.2.4')`);
    const a = replica(t, bus);
    const b = replica(t, bus);
    const created = await a.service.create({
      target: { chargerIds: RACE },
      targetVersion: '2.5.0.0',
      location: 'https://fw.example/go/2.5.0.0.bin',
      policy: { waveSize: 1, failureThresholdPct: 50, perChargerTimeoutS: 600 },
    });
    if (!created.ok) throw new Error(JSON.stringify(created.body));
    const id = created.data.campaignId;
    await a.engine.advance(id);
    await a.engine.idle();
    await a.engine.onFirmwareStatus('FWR1', 'Downloading');
    // Replica a reads the row for the boot (downloading); replica b's Downloaded lands before a writes.
    const readForBoot = a.store.activeRows.bind(a.store);
    let first = true;
    a.store.activeRows = async (chargerId: string) => {
      const rows = await readForBoot(chargerId);
      if (first) {
        first = false;
        await b.engine.onFirmwareStatus('FWR1', 'Downloaded');
      }
      return rows;
    };
    await a.engine.onBoot('FWR1', '2.5.0.0');
    await Promise.all([a.engine.idle(), b.engine.idle()]);
    expect(await counts(id)).toEqual({ succeeded: 1 });
  });

  it('a signed campaign sends SignedUpdateFirmware with its own requestIds; its notifications move only the row of their requestId', async () => {
    const SIGNED = ['SF1', 'SF2', 'SF3', 'SF4'];
    for (const id of SIGNED) {
      await t.db.query(`INSERT INTO config_chargers (charger_id, model, firmware_version) VALUES ($1, 'generic', '5.1')`, [id]);
      await t.db.query(
        `INSERT INTO config_reported (charger_id, key, value, readonly, reported_at) VALUES ($1, 'CertificateStoreMaxLength', '10', true, now())`,
        [id],
      );
    }
    const a = replica(t, bus);
    const created = await a.service.create({
      target: { chargerIds: SIGNED },
      targetVersion: '5.2',
      location: 'https://fw.example/generic/5.2.bin',
      retrieveDate: '2026-01-01T00:00:00.000Z',
      signedFirmware: { signingCertificate: PEM, signature: 'c2lnbmF0dXJl', installDateTime: '2026-01-02T00:00:00.000Z' },
      policy: { waveSize: 4, failureThresholdPct: 100, perChargerTimeoutS: 600 },
    });
    if (!created.ok) throw new Error(JSON.stringify(created.body));
    const id = created.data.campaignId;
    expect(created.data.signedFirmware).toEqual({ signingCertificate: PEM, signature: 'c2lnbmF0dXJl', installDateTime: '2026-01-02T00:00:00.000Z' });
    await a.engine.advance(id);
    await a.engine.idle();
    const sent: Array<{ charger_id: string; action: string; payload: { requestId: number; firmware: Record<string, string> } }> = await t.db.query(
      `SELECT q.charger_id, q.action, q.payload FROM config_queued_commands q JOIN config_firmware_campaign_chargers r ON r.command_id = q.command_id
       WHERE r.campaign_id = $1 ORDER BY q.charger_id`,
      [id],
    );
    expect(sent.map((r) => r.action)).toEqual(['SignedUpdateFirmware', 'SignedUpdateFirmware', 'SignedUpdateFirmware', 'SignedUpdateFirmware']);
    expect(sent[0].payload.firmware).toEqual({
      location: 'https://fw.example/generic/5.2.bin',
      retrieveDateTime: '2026-01-01T00:00:00.000Z',
      installDateTime: '2026-01-02T00:00:00.000Z',
      signingCertificate: PEM,
      signature: 'c2lnbmF0dXJl',
    });
    const requestIds = sent.map((r) => r.payload.requestId);
    expect(new Set(requestIds).size).toBe(4);
    const rows = await a.service.get({ campaignId: id });
    expect(rows.ok && rows.data.chargers.items.map((r) => r.requestId)).toEqual(requestIds);
    const [rq1, rq2, rq3] = requestIds;

    // SF1: a notification naming another requestId (an earlier request) moves nothing.
    await a.engine.onFirmwareStatus('SF1', 'Downloading', rq1 + 1000);
    expect(await counts(id)).toEqual({ queued: 4 });
    for (const s of ['DownloadScheduled', 'Downloading', 'Downloaded', 'SignatureVerified', 'InstallScheduled', 'Installing', 'InstallRebooting'])
      await a.engine.onFirmwareStatus('SF1', s, rq1);
    // SF2: the signature check fails; SF3: the installed image does not verify.
    for (const s of ['Downloading', 'Downloaded', 'InvalidSignature']) await a.engine.onFirmwareStatus('SF2', s, rq2);
    for (const s of ['Downloading', 'Downloaded', 'SignatureVerified', 'Installing', 'InstallVerificationFailed'])
      await a.engine.onFirmwareStatus('SF3', s, rq3);
    const mid = await a.service.get({ campaignId: id });
    expect(mid.ok && mid.data.chargers.items.map((r) => [r.chargerId, r.state, r.reason, r.lastStatus])).toEqual([
      ['SF1', 'installing', null, 'InstallRebooting'],
      ['SF2', 'failed', 'invalid-signature', 'InvalidSignature'],
      ['SF3', 'failed', 'install-verification-failed', 'InstallVerificationFailed'],
      ['SF4', 'queued', null, null],
    ]);
    // Success still only from the boot with the target version; Installed after it changes nothing.
    await a.engine.onBoot('SF1', '5.2');
    await a.engine.onFirmwareStatus('SF1', 'Installed', rq1);

    // SF4 answered InvalidCertificate: it will not try, so it fails at the next advance rather than timing out.
    await t.db.query(
      `UPDATE config_queued_commands SET status = 'succeeded', finished_at = now(), result = '{"status":"InvalidCertificate"}'::jsonb
       WHERE command_id = (SELECT command_id FROM config_firmware_campaign_chargers WHERE campaign_id = $1 AND charger_id = 'SF4')`,
      [id],
    );
    await a.engine.advance(id);
    await a.engine.idle();
    const done = await a.service.get({ campaignId: id });
    expect(done.ok && done.data.chargers.items.map((r) => [r.chargerId, r.state, r.reason])).toEqual([
      ['SF1', 'succeeded', null],
      ['SF2', 'failed', 'invalid-signature'],
      ['SF3', 'failed', 'install-verification-failed'],
      ['SF4', 'failed', 'refused:InvalidCertificate'],
    ]);
    expect(done.ok && done.data.state).toBe('completed');
  });
});
