/**
 * A charger's whole life against the all-in-one process (in-process bus, PGlite on disk), driven by an
 * independent OCPP client (ocpp-rpc in strict mode: it validates every frame we send against the 1.6
 * schemas), so our own framing code cannot hide our own mistakes.
 */
import { jest } from '@jest/globals';
import type { RPCClient } from 'ocpp-rpc';
import { rpcCharger } from '../support/rpc-charger.js';
import { apiClient } from '../support/api-client.js';
import { eventually, startService, tempDir, type ServiceProcess } from '../support/processes.js';

jest.setTimeout(120_000);

const ID = 'ZAP000001';
let csms: ServiceProcess;
let dataDir: string;
let api: ReturnType<typeof apiClient>;
let client: RPCClient;
let transactionId: number;

beforeAll(async () => {
  dataDir = tempDir();
  csms = await startService({ env: { DATA_DIR: dataDir } });
  api = apiClient(csms.apiUrl);
});

afterAll(async () => {
  await client?.close({ force: true }).catch(() => undefined);
  await csms?.stop();
});

test('an operator registers an idTag', async () => {
  const res = await api.post('/api/v1/id-tags', { idTag: 'TAG-ACCEPTED', status: 'Accepted' });
  expect(res.status).toBe(201);
});

test('the charger connects with subprotocol ocpp1.6 under any path and boots Accepted', async () => {
  client = rpcCharger(
    `${csms.ocppUrl}/ocpp`,
    ID,
    {
      GetConfiguration: ({ params }) => ({
        configurationKey: [{ key: 'HeartbeatInterval', readonly: false, value: '86400' }],
        unknownKey: ((params.key as string[] | undefined) ?? []).filter((k) => k !== 'HeartbeatInterval'),
      }),
    },
    // Anything else the CSMS sends (configuration reconciliation, triggers) gets a plain answer.
    ({ method }) => ({ status: method === 'ChangeConfiguration' || method === 'TriggerMessage' ? 'Accepted' : 'Rejected' }),
  );
  await client.connect();
  expect(client.protocol).toBe('ocpp1.6');
  const boot = (await client.call('BootNotification', {
    chargePointVendor: 'Zaptec',
    chargePointModel: 'Go',
    firmwareVersion: '2.4.2.4',
    chargePointSerialNumber: ID,
  })) as {
    status: string;
    interval: number;
    currentTime: string;
  };
  expect(boot.status).toBe('Accepted');
  expect(Number.isInteger(boot.interval)).toBe(true);
  expect(Number.isNaN(Date.parse(boot.currentTime))).toBe(false);
});

test('Heartbeat is answered with the current time', async () => {
  const hb = (await client.call('Heartbeat', {})) as { currentTime: string };
  expect(Math.abs(Date.parse(hb.currentTime) - Date.now())).toBeLessThan(60_000);
});

test('StatusNotification is stored and shown by the API', async () => {
  await client.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Preparing', timestamp: new Date().toISOString() });
  const charger = await eventually(async () => {
    const res = await api.get(`/api/v1/chargers/${ID}`);
    const statuses = (res.body?.connectors ?? res.body?.connectorStatuses ?? []) as Array<{ connectorId: number; status: string }>;
    // Connection state and statuses come from two durable consumers: each lands on its own time.
    return res.status === 200 && res.body.connected === true && statuses.some((c) => c.connectorId === 1 && c.status === 'Preparing') ? res.body : undefined;
  }, 'connector 1 Preparing and the charger connected in the API');
  expect(charger.boot?.vendor ?? charger.boot?.chargePointVendor).toBe('Zaptec');
});

test('Authorize: a registered tag is Accepted, an unknown one Invalid (a CALLRESULT, not a CALLERROR)', async () => {
  expect(await client.call('Authorize', { idTag: 'TAG-ACCEPTED' })).toMatchObject({ idTagInfo: { status: 'Accepted' } });
  expect(await client.call('Authorize', { idTag: 'NOBODY' })).toMatchObject({ idTagInfo: { status: 'Invalid' } });
});

test('a transaction with MeterValues is started, stopped and shown with its energy', async () => {
  // 500 Wh over ten minutes (3 kW): plausible, so energy = meterStop - meterStart.
  const t0 = new Date(Date.now() - 600_000);
  const start = (await client.call('StartTransaction', { connectorId: 1, idTag: 'TAG-ACCEPTED', meterStart: 1000, timestamp: t0.toISOString() })) as {
    transactionId: number;
    idTagInfo: { status: string };
  };
  expect(Number.isInteger(start.transactionId)).toBe(true);
  expect(start.idTagInfo.status).toBe('Accepted');
  transactionId = start.transactionId;

  await client.call('MeterValues', {
    connectorId: 1,
    transactionId,
    meterValue: [
      {
        timestamp: new Date(t0.getTime() + 300_000).toISOString(),
        sampledValue: [
          { value: '1250', measurand: 'Energy.Active.Import.Register', unit: 'Wh' },
          { value: '7200', measurand: 'Power.Active.Import', unit: 'W' },
        ],
      },
    ],
  });
  await client.call('StopTransaction', { transactionId, meterStop: 1500, timestamp: new Date().toISOString(), reason: 'EVDisconnected' });

  const tx = await eventually(async () => {
    const res = await api.get(`/api/v1/transactions/${transactionId}`);
    return res.status === 200 && res.body.meterStop === 1500 ? res.body : undefined;
  }, 'the stopped transaction in the API');
  expect(tx).toMatchObject({ chargerId: ID, connectorId: 1, idTag: 'TAG-ACCEPTED', meterStart: 1000, meterStop: 1500, energyWh: 500 });
  const values = JSON.stringify(tx.meterValues ?? []);
  expect(values).toContain('Power.Active.Import');
});

test('a GetConfiguration sent through the API reaches the charger and its answer comes back', async () => {
  const res = await api.post(`/api/v1/chargers/${ID}/commands/GetConfiguration`, { key: ['HeartbeatInterval', 'Nope'] });
  expect(res.status).toBe(200);
  expect(res.body.result).toEqual({ configurationKey: [{ key: 'HeartbeatInterval', readonly: false, value: '86400' }], unknownKey: ['Nope'] });
});

test('a command with a bad payload is refused with 400 naming the field, and never sent', async () => {
  const res = await api.post(`/api/v1/chargers/${ID}/commands/ChangeConfiguration`, { key: 'HeartbeatInterval', value: 300 });
  expect(res.status).toBe(400);
  expect(JSON.stringify(res.body.errors)).toContain('value');
});

test('a command for a charger that is not connected answers 404 at once', async () => {
  const res = await api.post('/api/v1/chargers/NOT-HERE/commands/GetConfiguration', {});
  expect(res.status).toBe(404);
  expect(res.body.error).toBe('not_connected');
});

test('the operator API lists the charger; health and metrics answer; OpenAPI is served', async () => {
  const list = await api.get('/api/v1/chargers');
  expect(list.status).toBe(200);
  const items = (list.body.items ?? list.body) as Array<{ id: string; connected: boolean }>;
  expect(items.find((c) => c.id === ID)).toMatchObject({ connected: true });
  expect((await api.get('/health/live')).status).toBe(200);
  expect((await api.get('/health/ready')).status).toBe(200);
  const metrics = await api.get('/metrics');
  expect(metrics.text).toContain('ocpp_connected_chargers');
  expect(metrics.text).toContain('ocpp_frames_in_total');
  const openapi = await api.get('/api/docs/openapi.json');
  expect(openapi.status).toBe(200);
  expect(JSON.stringify(openapi.body.paths)).toContain('/api/v1/chargers/{id}/commands/{action}');
});

test('data survives a restart (PGlite on disk)', async () => {
  await client.close({ force: true });
  expect(await csms.stop()).toBe(0);
  csms = await startService({ env: { DATA_DIR: dataDir } });
  api = apiClient(csms.apiUrl);
  const res = await api.get(`/api/v1/transactions/${transactionId}`);
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({ meterStart: 1000, meterStop: 1500, energyWh: 500 });
});
