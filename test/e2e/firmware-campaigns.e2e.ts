/**
 * Firmware campaigns (docs/api-firmware-campaigns.md) on the all-in-one with our simulator: 100 Zaptec Go chargers,
 * 10% of them failing the download, rolled out in waves of 25 that pause when a wave fails more than 10% and go on
 * when resumed; success only from the boot that reports the target version; a Pro (no FirmwareManagement) never
 * sent UpdateFirmware; an offline charger served through the queued-command queue when it comes back; a signed
 * campaign (SignedUpdateFirmware) only to chargers with a certificate store, an invalid signature failing.
 */
import { jest } from '@jest/globals';
import type { RPCClient } from 'ocpp-rpc';
import { faultHits, SimulatedCharger, type SimulatedChargerOptions } from '../../apps/simulator/src/index.js';
import { apiClient } from '../support/api-client.js';
import { eventually, startService, type ServiceProcess } from '../support/processes.js';
import { rpcCharger } from '../support/rpc-charger.js';

jest.setTimeout(600_000);

let csms: ServiceProcess;
let api: ReturnType<typeof apiClient>;
const sims: SimulatedCharger[] = [];
const received = new Map<string, string[]>();
const firmwareSaid = new Map<string, string[]>();

beforeAll(async () => {
  csms = await startService();
  api = apiClient(csms.apiUrl);
});
afterAll(async () => {
  await Promise.all(sims.map((s) => s.stop()));
  await csms?.kill();
});

function sim(identity: string, options: Partial<SimulatedChargerOptions> = {}): SimulatedCharger {
  const c = new SimulatedCharger({
    url: `${csms.ocppUrl}/ocpp`,
    identity,
    model: 'go',
    reconnectDelayMs: 100,
    rebootDelayMs: 200,
    firmwareStepMs: 20,
    ...options,
  });
  c.on('received', (action: string) => received.set(identity, [...(received.get(identity) ?? []), action]));
  // What each charger sent about its firmware, with the outcome: a failure names what the stuck charger said.
  c.on('sent', (m: { action: string; payload: { status?: string }; error?: unknown }) => {
    if (!m.action.includes('Firmware')) return;
    const said = `${m.payload.status}${m.error ? ` (${m.error instanceof Error ? m.error.message : String(m.error)})` : ''}`;
    firmwareSaid.set(identity, [...(firmwareSaid.get(identity) ?? []), said]);
  });
  sims.push(c);
  c.start();
  return c;
}

interface CampaignRow {
  chargerId: string;
  wave: number | null;
  state: string;
  reason: string | null;
}
interface Campaign {
  campaignId: string;
  state: string;
  counts: Record<string, number>;
  acceptedWave: number;
  pausedReason: { code: string; wave?: number; failurePct?: number; message: string } | null;
  chargers: { items: CampaignRow[]; total: number };
}
const campaign = async (id: string): Promise<Campaign> => (await api.get(`/api/v1/firmware-campaigns/${id}?limit=500`)).body as Campaign;
const sentUpdate = (id: string): boolean => (received.get(id) ?? []).includes('UpdateFirmware');

test('100 chargers, 10% failing the download: each wave over the threshold pauses the campaign, resume goes on, then it completes', async () => {
  const ids = Array.from({ length: 100 }, (_, i) => `FWSIM${String(i).padStart(3, '0')}`);
  const chargers = ids.map((id) => sim(id, { faults: { firmwareDownloadFailurePct: 10 } }));
  await Promise.all(chargers.map((c) => c.waitFor('booted')));
  const failing = ids.filter((id) => faultHits(id, 'download', 10));
  expect(failing.length).toBe(10);
  const wavesOver = [0, 1, 2, 3].filter((w) => ids.slice(w * 25, w * 25 + 25).filter((id) => failing.includes(id)).length * 4 > 10);

  // Validation names the fields.
  const bad = await api.post('/api/v1/firmware-campaigns', {
    target: { chargerIds: ids },
    targetVersion: '',
    location: 'not a url',
    policy: { failureThresholdPct: 120, perChargerTimeoutS: 600 },
  });
  expect(bad.status).toBe(400);
  expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(expect.arrayContaining(['targetVersion', 'location', 'policy.failureThresholdPct']));
  const neither = await api.post('/api/v1/firmware-campaigns', {
    target: { chargerIds: ids },
    targetVersion: '2.5.0.0',
    location: 'https://firmware.example.com/zaptec/go/2.5.0.0.bin',
    policy: { failureThresholdPct: 10, perChargerTimeoutS: 600 },
  });
  expect(neither.status).toBe(400);
  expect(neither.body.errors).toEqual([expect.objectContaining({ field: 'policy', rule: 'exactlyOne' })]);

  const created = await api.post('/api/v1/firmware-campaigns', {
    target: { chargerIds: ids },
    targetVersion: '2.5.0.0',
    location: 'https://firmware.example.com/zaptec/go/2.5.0.0.bin',
    policy: { waveSize: 25, failureThresholdPct: 10, perChargerTimeoutS: 600 },
  });
  expect(created.status).toBe(201);
  expect(created.body).toMatchObject({ state: 'running', counts: { pending: 100 } });
  const id = created.body.campaignId as string;

  const pauses: number[] = [];
  for (;;) {
    const c = await eventually(
      async () => {
        const now = await campaign(id);
        if (now.state === 'paused' || now.state === 'completed') return now;
        throw new Error(
          `${now.state} ${JSON.stringify(now.counts)} ${JSON.stringify(
            now.chargers.items
              .filter((r) => !['pending', 'succeeded', 'failed'].includes(r.state))
              .map((r) => ({ ...r, simulatorSent: firmwareSaid.get(r.chargerId) ?? [] })),
          )}`,
        );
      },
      'campaign paused or completed',
      180_000,
    );
    if (c.state === 'completed') break;
    const wave = c.pausedReason?.wave as number;
    pauses.push(wave);
    const waveFailed = ids.slice(wave * 25, wave * 25 + 25).filter((x) => failing.includes(x)).length;
    expect(c.pausedReason).toMatchObject({ code: 'failure_threshold', failurePct: waveFailed * 4 });
    // Nothing of the later waves was sent while this one was judged.
    expect(c.chargers.items.filter((r) => (r.wave ?? 0) > wave).every((r) => r.state === 'pending')).toBe(true);
    expect(ids.slice((wave + 1) * 25).filter(sentUpdate)).toEqual([]);
    // A paused campaign cannot be paused again; resume goes on past this wave.
    expect((await api.post(`/api/v1/firmware-campaigns/${id}/pause`, {})).body).toMatchObject({ error: 'invalid_campaign_state' });
    const resumed = await api.post(`/api/v1/firmware-campaigns/${id}/resume`, {});
    expect(resumed.status).toBe(200);
    expect(resumed.body).toMatchObject({ state: 'running', pausedReason: null, acceptedWave: wave });
  }
  expect(pauses).toEqual(wavesOver);
  expect(pauses.length).toBeGreaterThan(0);

  const done = await campaign(id);
  expect(done.counts).toEqual({ succeeded: 90, failed: 10 });
  expect(done.chargers.items.filter((r) => r.state === 'failed').map((r) => [r.chargerId, r.reason])).toEqual(failing.map((x) => [x, 'download-failed']));
  for (const c of chargers) expect([c.identity, c.firmwareVersion]).toEqual([c.identity, failing.includes(c.identity) ? '2.4.2.4' : '2.5.0.0']);
  expect((await api.get(`/api/v1/chargers/${ids.find((x) => !failing.includes(x))}`)).body).toMatchObject({ boot: { firmwareVersion: '2.5.0.0' } });
  expect((await api.get('/api/v1/firmware-campaigns?state=completed')).body.items.map((c: { campaignId: string }) => c.campaignId)).toContain(id);
});

test('a Pro whose SupportedFeatureProfiles lacks FirmwareManagement is not applicable and never sent UpdateFirmware; an offline charger gets it through the queue; Installed is not success, the boot with the target version is (ocpp-rpc charger)', async () => {
  const pro = sim('ZPR0FW0001', { model: 'pro', keys: { SupportedFeatureProfiles: 'Core,SmartCharging,RemoteTrigger,Reservation' } });
  const offline = sim('FWOFF0001');
  await Promise.all([pro.waitFor('booted'), offline.waitFor('booted')]);
  // The registry learns the profiles from the configuration it reads after the boot.
  await eventually(
    async () => ((await api.get('/api/v1/chargers/ZPR0FW0001')).body?.capabilities?.unsupportedActions?.includes('UpdateFirmware') ? true : undefined),
    'Pro without FirmwareManagement',
  );
  await offline.stop();
  await eventually(async () => ((await api.get('/api/v1/chargers/FWOFF0001')).body?.connected === false ? true : undefined), 'FWOFF0001 offline');

  const rpcCalls: Array<Record<string, unknown>> = [];
  const rpc: RPCClient = rpcCharger(
    `${csms.ocppUrl}/ocpp`,
    'FWRPC0001',
    {
      UpdateFirmware: ({ params }) => (rpcCalls.push(params), {}),
      GetConfiguration: ({ params }) => ({ configurationKey: [], unknownKey: (params.key as string[] | undefined) ?? [] }),
    },
    () => ({ status: 'NotSupported' }),
  );
  const goBoot = { chargePointVendor: 'Zaptec', chargePointModel: 'Go', firmwareVersion: '2.4.2.4' };
  try {
    await rpc.connect();
    expect(await rpc.call('BootNotification', goBoot)).toMatchObject({ status: 'Accepted' });

    const created = await api.post('/api/v1/firmware-campaigns', {
      target: { chargerIds: ['ZPR0FW0001', 'FWOFF0001', 'FWRPC0001', 'FWNEVER0001'] },
      targetVersion: '2.6.0.0',
      location: 'https://firmware.example.com/zaptec/go/2.6.0.0.bin',
      retries: 2,
      retryInterval: 30,
      policy: { maxConcurrent: 3, failureThresholdPct: 50, perChargerTimeoutS: 600 },
    });
    expect(created.status).toBe(201);
    const id = created.body.campaignId as string;
    const rows = Object.fromEntries((created.body.chargers.items as CampaignRow[]).map((r) => [r.chargerId, r]));
    expect(rows.ZPR0FW0001).toMatchObject({ state: 'not-applicable', reason: expect.stringContaining('UpdateFirmware') });
    expect(rows.FWNEVER0001).toMatchObject({ state: 'not-applicable', reason: expect.stringContaining('unknown charger') });

    await eventually(async () => (rpcCalls.length === 1 ? true : undefined), 'UpdateFirmware at the ocpp-rpc charger');
    expect(rpcCalls[0]).toMatchObject({ location: 'https://firmware.example.com/zaptec/go/2.6.0.0.bin', retries: 2, retryInterval: 30 });
    for (const status of ['Downloading', 'Downloaded', 'Installing', 'Installed']) await rpc.call('FirmwareStatusNotification', { status });
    const rowOf = async (charger: string): Promise<CampaignRow | undefined> => (await campaign(id)).chargers.items.find((r) => r.chargerId === charger);
    await eventually(async () => ((await rowOf('FWRPC0001'))?.state === 'installed' ? true : undefined), 'FWRPC0001 installed');
    // Installed alone is not success; a boot still on the old version would not be either.
    expect((await campaign(id)).state).toBe('running');
    expect(await rpc.call('BootNotification', { ...goBoot, firmwareVersion: '2.6.0.0' })).toMatchObject({ status: 'Accepted' });
    await eventually(async () => ((await rowOf('FWRPC0001'))?.state === 'succeeded' ? true : undefined), 'FWRPC0001 succeeded');

    // The offline charger waits in the queue (no timeout while it is away), and gets it when it comes back.
    expect(await rowOf('FWOFF0001')).toMatchObject({ state: 'queued' });
    const back = sim('FWOFF0001');
    await eventually(async () => ((await rowOf('FWOFF0001'))?.state === 'succeeded' ? true : undefined), 'FWOFF0001 succeeded after coming back', 60_000);
    expect(back.firmwareVersion).toBe('2.6.0.0');
    const done = await eventually(async () => {
      const c = await campaign(id);
      return c.state === 'completed' ? c : undefined;
    }, 'campaign completed');
    expect(done.counts).toEqual({ succeeded: 2, 'not-applicable': 2 });
    expect(sentUpdate('ZPR0FW0001')).toBe(false);

    // Nothing runs now: TriggerMessage(FirmwareStatusNotification) answers Idle.
    const idle = new Promise<unknown>((resolve) =>
      back.on('sent', (m: { action: string; payload: Record<string, unknown> }) => m.action === 'FirmwareStatusNotification' && resolve(m.payload)),
    );
    expect((await api.post('/api/v1/chargers/FWOFF0001/commands/TriggerMessage', { requestedMessage: 'FirmwareStatusNotification' })).body).toMatchObject({
      result: { status: 'Accepted' },
    });
    expect(await idle).toEqual({ status: 'Idle' });

    expect((await api.post(`/api/v1/firmware-campaigns/${id}/cancel`, {})).body).toMatchObject({ error: 'invalid_campaign_state' });
  } finally {
    await rpc.close({ force: true });
  }
});

test('cancel: pending chargers and still-queued commands are cancelled, never sent', async () => {
  const ids = ['FWCAN0001', 'FWCAN0002'];
  const cs = ids.map((x) => sim(x));
  await Promise.all(cs.map((c) => c.waitFor('booted')));
  await Promise.all(cs.map((c) => c.stop()));
  for (const x of ids) await eventually(async () => ((await api.get(`/api/v1/chargers/${x}`)).body?.connected === false ? true : undefined), `${x} offline`);
  const created = await api.post('/api/v1/firmware-campaigns', {
    target: { chargerIds: ids },
    targetVersion: '2.6.0.0',
    location: 'https://firmware.example.com/zaptec/go/2.6.0.0.bin',
    policy: { waveSize: 1, failureThresholdPct: 0, perChargerTimeoutS: 600 },
  });
  const id = created.body.campaignId as string;
  await eventually(async () => ((await campaign(id)).counts.queued === 1 ? true : undefined), 'first charger queued');
  const cancelled = await api.post(`/api/v1/firmware-campaigns/${id}/cancel`, {});
  expect(cancelled.status).toBe(200);
  expect(cancelled.body).toMatchObject({ state: 'cancelled', counts: { cancelled: 2 } });
  const queuedCommand = (cancelled.body.chargers.items as Array<CampaignRow & { commandId: string | null }>).find((r) => r.commandId)?.commandId;
  expect((await api.get(`/api/v1/commands/${queuedCommand}`)).body).toMatchObject({ status: 'cancelled' });
});

test('signed firmware: SignedUpdateFirmware only to chargers with a certificate store; an invalid signature fails, the rest succeed from the boot', async () => {
  const PEM = '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUSIMULATED\n-----END CERTIFICATE-----';
  const ids = Array.from({ length: 8 }, (_, i) => `SFSIM${String(i).padStart(3, '0')}`);
  const secure = ids.map((id) => sim(id, { model: 'go2', firmwareVersion: '3.2.1.0', securityExtension: true, faults: { firmwareInvalidSignaturePct: 25 } }));
  const plain = sim('SFPLAIN001', { model: 'go2', firmwareVersion: '3.2.1.0' });
  await Promise.all([...secure, plain].map((c) => c.waitFor('booted')));
  // Applicability needs the configuration the registry reads after the boot.
  for (const id of [...ids, 'SFPLAIN001'])
    await eventually(async () => ((await api.get(`/api/v1/chargers/${id}/configuration`)).body?.reported?.keys?.length > 0 ? true : undefined), `${id} read`);
  const invalid = ids.filter((id) => faultHits(id, 'signature', 25));
  expect(invalid.length).toBeGreaterThan(0);
  expect(invalid.length).toBeLessThan(ids.length);

  const bad = await api.post('/api/v1/firmware-campaigns', {
    target: { chargerIds: ids },
    targetVersion: '3.3.0.0',
    location: 'https://firmware.example.com/zaptec/go2/3.3.0.0.bin',
    signedFirmware: { signingCertificate: 'not a certificate', signature: '***' },
    policy: { maxConcurrent: 4, failureThresholdPct: 100, perChargerTimeoutS: 600 },
  });
  expect(bad.status).toBe(400);
  expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(
    expect.arrayContaining(['signedFirmware.signingCertificate', 'signedFirmware.signature']),
  );

  const created = await api.post('/api/v1/firmware-campaigns', {
    target: { chargerIds: [...ids, 'SFPLAIN001'] },
    targetVersion: '3.3.0.0',
    location: 'https://firmware.example.com/zaptec/go2/3.3.0.0.bin',
    signedFirmware: { signingCertificate: PEM, signature: 'c2lnbmF0dXJl' },
    policy: { maxConcurrent: 4, failureThresholdPct: 100, perChargerTimeoutS: 600 },
  });
  expect(created.status).toBe(201);
  expect(created.body.signedFirmware).toEqual({ signingCertificate: PEM, signature: 'c2lnbmF0dXJl' });
  const id = created.body.campaignId as string;
  const plainRow = (created.body.chargers.items as CampaignRow[]).find((r) => r.chargerId === 'SFPLAIN001');
  expect(plainRow).toMatchObject({ state: 'not-applicable', reason: expect.stringContaining('CertificateStoreMaxLength') });

  const done = await eventually(
    async () => {
      const c = await campaign(id);
      return c.state === 'completed' ? c : undefined;
    },
    'signed campaign completed',
    120_000,
  );
  expect(done.counts).toEqual({ succeeded: ids.length - invalid.length, failed: invalid.length, 'not-applicable': 1 });
  expect(done.chargers.items.filter((r) => r.state === 'failed').map((r) => [r.chargerId, r.reason])).toEqual(invalid.map((x) => [x, 'invalid-signature']));
  for (const c of secure) expect([c.identity, c.firmwareVersion]).toEqual([c.identity, invalid.includes(c.identity) ? '3.2.1.0' : '3.3.0.0']);
  for (const id of ids)
    expect([id, received.get(id)?.includes('SignedUpdateFirmware'), received.get(id)?.includes('UpdateFirmware')]).toEqual([id, true, false]);
  expect(received.get('SFPLAIN001') ?? []).not.toContain('SignedUpdateFirmware');
  // Each charger got its own requestId, the one its notifications named.
  const requestIds = done.chargers.items.filter((r) => r.state !== 'not-applicable').map((r) => (r as CampaignRow & { requestId: number }).requestId);
  expect(new Set(requestIds).size).toBe(ids.length);
});
