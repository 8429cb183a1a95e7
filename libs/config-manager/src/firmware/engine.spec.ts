import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { InProcessBus } from '#csms/bus';
import { openTestDatabase, type TestDatabase } from '../test-support/database.js';
import { QueuedDelivery } from '../queued/delivery.js';
import { QueuedCommandService } from '../queued/queued.service.js';
import { QueuedCommandStore } from '../queued/store.js';
import { FirmwareCampaignService } from './campaigns.service.js';
import { FirmwareCampaignEngine } from './engine.js';
import { FirmwareCampaignStore } from './store.js';

const quiet = { warn: (): void => undefined };

/** Two replicas sharing one database: each its own store, queue and engine. */
function replica(t: TestDatabase, bus: InProcessBus): { engine: FirmwareCampaignEngine; service: FirmwareCampaignService } {
  const qStore = new QueuedCommandStore(t.db);
  const queue = new QueuedCommandService(qStore, new QueuedDelivery(qStore, bus, { commandTimeoutMs: 1_000 }, quiet));
  const store = new FirmwareCampaignStore(t.db);
  const engine = new FirmwareCampaignEngine(store, queue, quiet);
  return { engine, service: new FirmwareCampaignService(store, engine, queue) };
}

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
});
