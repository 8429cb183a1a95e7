/**
 * GET /api/v1/fleet/summary and the charger list's filters, sort, cursor paging and compact view on the built
 * all-in-one process (docs/reference/design-decisions.md#operator-api): the numbers match what the chargers sent, every
 * filter narrows in the
 * database, a cursor walks the whole list once, and a bad parameter is a 400 naming it.
 */
import { jest } from '@jest/globals';
import type { RPCClient } from 'ocpp-rpc';
import { apiClient } from '../support/api-client.js';
import { startService, type ServiceProcess } from '../support/processes.js';
import { rpcCharger } from '../support/rpc-charger.js';

jest.setTimeout(120_000);

let csms: ServiceProcess;
let api: ReturnType<typeof apiClient>;
const chargers = new Map<string, RPCClient>();
const now = (): string => new Date().toISOString();

/** Go 2.4.2.4 x3 (one disconnected later), Pro 1.8.0 x1, a generic charger; each with a connector status. */
const FLEET: Array<{ id: string; vendor: string; model: string; firmware: string; status: string }> = [
  { id: 'ZAPQ0001', vendor: 'Zaptec', model: 'Go', firmware: '2.4.2.4', status: 'Available' },
  { id: 'ZAPQ0002', vendor: 'Zaptec', model: 'Go', firmware: '2.4.2.4', status: 'Charging' },
  { id: 'ZAPQ0003', vendor: 'Zaptec', model: 'Go', firmware: '2.4.2.4', status: 'Available' },
  { id: 'ZPGQ0004', vendor: 'Zaptec', model: 'Pro', firmware: '1.8.0', status: 'Faulted' },
  { id: 'OTHERQ05', vendor: 'Acme', model: 'Wallbox 7', firmware: '5.1', status: 'Available' },
];

beforeAll(async () => {
  csms = await startService();
  api = apiClient(csms.apiUrl);
  expect((await api.post('/api/v1/id-tags', { idTag: 'Q-TAG', status: 'Accepted' })).status).toBe(201);
  for (const c of FLEET) {
    const client = rpcCharger(`${csms.ocppUrl}/ocpp`, c.id, { GetConfiguration: () => ({ configurationKey: [], unknownKey: [] }) }, () => ({
      status: 'NotSupported',
    }));
    await client.connect();
    chargers.set(c.id, client);
    await client.call('BootNotification', { chargePointVendor: c.vendor, chargePointModel: c.model, firmwareVersion: c.firmware });
    await client.call('StatusNotification', {
      connectorId: 1,
      errorCode: c.status === 'Faulted' ? 'GroundFailure' : 'NoError',
      status: c.status,
      timestamp: now(),
    });
  }
  const q2 = chargers.get('ZAPQ0002') as RPCClient;
  const start = (await q2.call('StartTransaction', { connectorId: 1, idTag: 'Q-TAG', meterStart: 5_000, timestamp: now() })) as { transactionId: number };
  await q2.call('MeterValues', {
    connectorId: 1,
    transactionId: start.transactionId,
    meterValue: [{ timestamp: now(), sampledValue: [{ value: '5750', measurand: 'Energy.Active.Import.Register', unit: 'Wh' }] }],
  });
  const q1 = chargers.get('ZAPQ0001') as RPCClient;
  // an hour long: metering refuses an energy no charger could deliver in the time (energy-above-max-power)
  const done = (await q1.call('StartTransaction', {
    connectorId: 1,
    idTag: 'Q-TAG',
    meterStart: 100,
    timestamp: new Date(Date.now() - 3_600_000).toISOString(),
  })) as { transactionId: number };
  await q1.call('StopTransaction', { transactionId: done.transactionId, meterStop: 1_300, timestamp: now(), reason: 'Local' });
  await q1.call('SecurityEventNotification', { type: 'TamperDetectionActivated', timestamp: now() });
  await (chargers.get('ZAPQ0003') as RPCClient).close({ force: true });
  expect((await api.put('/api/v1/groups/site-q/members', { chargerIds: ['ZAPQ0001', 'ZPGQ0004'] })).status).toBe(200);
});

afterAll(async () => {
  for (const c of chargers.values()) await c.close({ force: true }).catch(() => undefined);
  await csms?.stop();
});

/** Asks until the answer passes (the services store facts from the stream, a moment after the charger's answer). */
async function eventually<T>(ask: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  const until = Date.now() + 20_000;
  for (;;) {
    const v = await ask();
    if (ok(v) || Date.now() > until) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
}

test('the fleet summary counts what the chargers sent', async () => {
  const summary = await eventually(
    async () => (await api.get('/api/v1/fleet/summary')).body,
    (s) => s.chargers?.connected === 4 && s.transactions?.energyTodayWh === 1_950 && s.lastHour?.securityEvents === 1 && s.connectorStatus?.Faulted === 1,
  );
  expect(summary).toMatchObject({
    chargers: { total: 5, connected: 4, disconnected: 1 },
    byModel: { 'zaptec-go': 3, 'zaptec-pro': 1, generic: 1 },
    byFirmware: { 'zaptec-go 2.4.2.4': 3, 'zaptec-pro 1.8.0': 1, 'generic 5.1': 1 },
    connectorStatus: { Available: 3, Charging: 1, Faulted: 1 },
    // 1 open (ZAPQ0002: 5750 - 5000 so far), 1 closed today (ZAPQ0001: 1300 - 100)
    transactions: { active: 1, energyTodayWh: 750 + 1_200 },
    lastHour: { securityEvents: 1 },
  });
  expect(typeof summary.lastHour.commands).toBe('number');
  expect(typeof summary.lastHour.callErrors).toBe('number');
  expect(Date.parse(summary.at)).not.toBeNaN();
});

const ids = (body: { items: Array<{ id: string }> }): string[] => body.items.map((c) => c.id);

test('each list filter narrows in the database; total counts the filtered list', async () => {
  const list = async (query: string): Promise<{ items: Array<{ id: string }>; total: number }> => {
    const res = await api.get(`/api/v1/chargers?${query}`);
    expect(res.status).toBe(200);
    return res.body;
  };
  await eventually(
    () => list('status=Faulted'),
    (b) => b.total === 1,
  );
  expect(ids(await list('connected=false'))).toEqual(['ZAPQ0003']);
  expect(ids(await list('connected=true&model=zaptec-go'))).toEqual(['ZAPQ0001', 'ZAPQ0002']);
  expect(ids(await list('firmware=2.4'))).toEqual(['ZAPQ0001', 'ZAPQ0002', 'ZAPQ0003']);
  expect(ids(await list('status=Available'))).toEqual(['OTHERQ05', 'ZAPQ0001', 'ZAPQ0003']);
  expect(ids(await list('status=Reserved'))).toEqual([]);
  expect(ids(await list('group=site-q'))).toEqual(['ZAPQ0001', 'ZPGQ0004']);
  expect(ids(await list('q=q00'))).toEqual(['ZAPQ0001', 'ZAPQ0002', 'ZAPQ0003', 'ZPGQ0004']);
  expect(ids(await list('q=%25'))).toEqual([]); // a LIKE wildcard is text here
  const body = await list('q=zapq&status=Available&sort=-id');
  expect(ids(body)).toEqual(['ZAPQ0003', 'ZAPQ0001']);
  expect(body.total).toBe(2);
});

test('cursor paging walks the list once in the asked order; the full view keeps its fields, compact is small', async () => {
  const seen: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const res: { status: number; body: { total: number; items: Array<{ id: string }>; nextCursor: string | null } } = await api.get(
      `/api/v1/chargers?limit=2&sort=-lastSeen&view=compact${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(5);
    seen.push(...ids(res.body));
    cursor = res.body.nextCursor;
    pages++;
  } while (cursor && pages < 10);
  expect(pages).toBe(3);
  expect([...seen].sort()).toEqual(FLEET.map((c) => c.id).sort());

  const compact = (await api.get('/api/v1/chargers?view=compact&q=ZPGQ')).body.items[0];
  const { lastSeen, ...rest } = compact;
  expect(rest).toEqual({
    id: 'ZPGQ0004',
    connected: true,
    model: 'zaptec-pro',
    firmwareVersion: '1.8.0',
    connectedAt: expect.any(String),
    provisional: false,
    connectorStatus: { 1: 'Faulted' },
    drift: true,
  });
  expect(lastSeen === null || typeof lastSeen === 'string').toBe(true); // gateways report last-seen times in periodic batches
  const full = (await api.get('/api/v1/chargers?q=ZPGQ')).body;
  expect(full).toMatchObject({ total: 1, limit: 100, offset: 0, nextCursor: null });
  expect(full.items[0]).toMatchObject({
    id: 'ZPGQ0004',
    model: 'zaptec-pro',
    capabilities: expect.any(Object),
    boot: { firmwareVersion: '1.8.0' },
    connectors: [expect.objectContaining({ connectorId: 1, status: 'Faulted' })],
  });
});

test('configuration sync: the summary counts each charger once, and the drift filter agrees with it', async () => {
  // Each charger answers NotSupported to every ChangeConfiguration its reconciliation sends: refused.
  const summary = await eventually(
    async () => (await api.get('/api/v1/fleet/summary')).body,
    (s) => s.configuration?.refused > 0 && s.configuration.unknown <= 1,
  );
  const c = summary.configuration;
  expect(c.inSync + c.drift + c.refused + c.unknown).toBe(5);
  expect(c.refused).toBeGreaterThan(0);
  const drifted = (await api.get('/api/v1/chargers?drift=true&view=compact')).body;
  expect(drifted.total).toBe(c.drift + c.refused);
  expect(drifted.items.every((r: { drift: boolean | null }) => r.drift === true)).toBe(true);
  expect((await api.get('/api/v1/chargers?drift=false')).body.total).toBe(c.inSync);
});

test('every bad list parameter is a 400 naming it', async () => {
  for (const [query, field] of [
    ['status=Sleeping', 'status'],
    ['sort=model', 'sort'],
    ['view=tiny', 'view'],
    ['connected=yes', 'connected'],
    ['q=', 'q'],
    ['cursor=not-a-cursor', 'cursor'],
    ['limit=0', 'limit'],
    ['offset=1e3', 'offset'],
    ['drift=maybe', 'drift'],
  ]) {
    const res = await api.get(`/api/v1/chargers?${query}`);
    expect([query, res.status]).toEqual([query, 400]);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  }
  const first = await api.get('/api/v1/chargers?limit=1&sort=id');
  const other = await api.get(`/api/v1/chargers?limit=1&sort=-id&cursor=${encodeURIComponent(first.body.nextCursor)}`);
  expect(other.status).toBe(400);
  expect(other.body.errors[0].field).toBe('cursor');
});
