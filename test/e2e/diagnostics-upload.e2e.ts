/**
 * Diagnostics uploaded to the CSMS itself (docs/diagnostics.md) on the all-in-one: the API asks, the charger
 * (the independent ocpp-rpc client) gets GetDiagnostics with the CSMS's one-time URL, uploads, reports its
 * status, and the download returns the same bytes; the URL works once, a file over DIAGNOSTICS_MAX_BYTES is
 * refused with 413, a Pro is refused with 422 and nothing reaches it, and GetLog follows its requestId.
 */
import { randomBytes } from 'node:crypto';
import { jest } from '@jest/globals';
import { apiClient } from '../support/api-client.js';
import { eventually, startService, tempDir, type ServiceProcess } from '../support/processes.js';
import { connectRawCharger } from '../support/raw-charger.js';
import { rpcCharger } from '../support/rpc-charger.js';
import { openSse } from '../support/sse-client.js';
import { SimulatedCharger } from '../../apps/simulator/src/index.js';
import { diagnosticsFile } from '../../apps/simulator/src/charger/diagnostics-upload.js';

jest.setTimeout(180_000);

const MAX = 64 * 1024;
let csms: ServiceProcess;
let api: ReturnType<typeof apiClient>;

beforeAll(async () => {
  csms = await startService({ env: { DATA_DIR: tempDir(), DIAGNOSTICS_MAX_BYTES: String(MAX) } });
  api = apiClient(csms.apiUrl);
});
afterAll(async () => {
  await csms?.kill();
});

const goBoot = { chargePointVendor: 'Zaptec', chargePointModel: 'Go', firmwareVersion: '2.4.2.4' };
const statusOf = async (id: string): Promise<string> => (await api.get(`/api/v1/diagnostics/${id}`)).body?.status as string;
const until = (id: string, status: string): Promise<true> => eventually(async () => ((await statusOf(id)) === status ? true : undefined), `${id} ${status}`);

test('request → GetDiagnostics with our one-time URL → upload (multipart) → statuses → the download is the same bytes; the URL works once', async () => {
  const ID = 'DIAG-GO1';
  const file = randomBytes(40_000);
  const locations: string[] = [];
  const client = rpcCharger(
    `${csms.ocppUrl}/ocpp`,
    ID,
    {
      GetDiagnostics: ({ params }) => (locations.push(params.location as string), { fileName: 'go-diag.tar.gz' }),
      GetConfiguration: ({ params }) => ({ configurationKey: [], unknownKey: (params.key as string[] | undefined) ?? [] }),
    },
    () => ({ status: 'NotSupported' }),
  );
  await client.connect();
  try {
    expect(await client.call('BootNotification', goBoot)).toMatchObject({ status: 'Accepted' });
    const asked = await api.post(`/api/v1/chargers/${ID}/diagnostics`, { retries: 1 });
    expect(asked.status).toBe(201);
    expect(asked.body).toMatchObject({ chargerId: ID, kind: 'diagnostics', status: 'requested', fileName: 'go-diag.tar.gz' });
    expect(locations).toHaveLength(1);
    expect(locations[0]).toMatch(new RegExp(`^http://localhost:\\d+/ocpp-uploads/[A-Za-z0-9_-]{43}/$`));
    // The all-in-one's default base URL is its API port on localhost; the test talks to 127.0.0.1.
    const url = locations[0].replace(/^http:\/\/localhost:\d+/, csms.apiUrl);

    await client.call('DiagnosticsStatusNotification', { status: 'Uploading' });
    await until(asked.body.id, 'uploading');
    const form = new FormData();
    form.append('note', 'a form field before the file');
    form.append('file', new Blob([file], { type: 'application/gzip' }), 'go-diag.tar.gz');
    const up = await fetch(`${url}go-diag.tar.gz`, { method: 'POST', body: form });
    expect(up.status).toBe(201);
    await client.call('DiagnosticsStatusNotification', { status: 'Uploaded' });
    await client.call('DiagnosticsStatusNotification', { status: 'Idle' });

    // The notifications are read from the events stream: the last one, Idle, shows once all are applied.
    const view = await eventually(async () => {
      const v = (await api.get(`/api/v1/diagnostics/${asked.body.id}`)).body;
      return v.chargerStatus === 'Idle' ? v : undefined;
    }, 'Idle applied');
    expect(view).toMatchObject({ status: 'received', chargerStatus: 'Idle', size: file.length, storedName: 'go-diag.tar.gz', contentType: 'application/gzip' });
    const download = await fetch(`${csms.apiUrl}/api/v1/diagnostics/${asked.body.id}/file`);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-disposition')).toBe('attachment; filename="go-diag.tar.gz"');
    expect(Buffer.from(await download.arrayBuffer()).equals(file)).toBe(true);

    const again = await fetch(url, { method: 'PUT', body: randomBytes(10) });
    expect(again.status).toBe(409);
    expect(((await again.json()) as { error: string }).error).toBe('upload_token_used');
    expect(
      (await fetch(url.replace(/\/ocpp-uploads\/[^/]+/, `/ocpp-uploads/${randomBytes(32).toString('base64url')}`), { method: 'PUT', body: 'x' })).status,
    ).toBe(404);
    const list = await api.get(`/api/v1/chargers/${ID}/diagnostics`);
    expect(list.body.items.map((i: { id: string }) => i.id)).toEqual([asked.body.id]);
  } finally {
    await client.close();
  }
});

test('a raw upload over DIAGNOSTICS_MAX_BYTES is refused with 413 and stores nothing; a failed upload shows upload-failed', async () => {
  const ID = 'DIAG-GO2';
  let location = '';
  const client = rpcCharger(
    `${csms.ocppUrl}/ocpp`,
    ID,
    { GetDiagnostics: ({ params }) => ((location = params.location as string), { fileName: 'big.log' }) },
    () => ({ status: 'NotSupported' }),
  );
  await client.connect();
  try {
    expect(await client.call('BootNotification', goBoot)).toMatchObject({ status: 'Accepted' });
    const asked = await api.post(`/api/v1/chargers/${ID}/diagnostics`, {});
    const url = location.replace(/^http:\/\/localhost:\d+/, csms.apiUrl);
    const big = await fetch(url, { method: 'PUT', body: randomBytes(MAX + 1), headers: { 'Content-Type': 'application/octet-stream' } });
    expect(big.status).toBe(413);
    expect((await api.get(`/api/v1/diagnostics/${asked.body.id}/file`)).status).toBe(404);
    await client.call('DiagnosticsStatusNotification', { status: 'UploadFailed' });
    await until(asked.body.id, 'upload-failed');
  } finally {
    await client.close();
  }
});

test('a Pro (no GetDiagnostics) gets 422 not_supported_by_model and no frame reaches it', async () => {
  const ID = 'ZPR090001';
  const pro = await connectRawCharger(csms.ocppUrl, ID);
  pro.send([2, 'b0', 'BootNotification', { chargePointVendor: 'Zaptec', chargePointModel: 'Pro', firmwareVersion: '7.5.4.0', chargePointSerialNumber: ID }]);
  expect((await pro.reply('b0'))[2]).toMatchObject({ status: 'Accepted' });
  await eventually(async () => ((await api.get(`/api/v1/chargers/${ID}`)).body?.model === 'zaptec-pro' ? true : undefined), 'Pro detected');
  const res = await api.post(`/api/v1/chargers/${ID}/diagnostics`, {});
  expect(res.status).toBe(422);
  expect(res.body).toMatchObject({ error: 'not_supported_by_model', model: 'zaptec-pro' });
  expect((await api.get(`/api/v1/chargers/${ID}/diagnostics`)).body.items).toEqual([]);
  // Whatever the CSMS sent would have arrived by the time a heartbeat round-trips on the same socket.
  pro.send([2, 'h1', 'Heartbeat', {}]);
  await pro.reply('h1');
  expect(pro.frames.filter((f) => f[2] === 'GetDiagnostics')).toEqual([]);
  pro.ws.close();
});

test('GetLog (security extension): the requestId ties LogStatusNotification to the request; a JSON body is no file (415)', async () => {
  const ID = 'DIAG-GO3';
  let call: Record<string, unknown> = {};
  const client = rpcCharger(
    `${csms.ocppUrl}/ocpp`,
    ID,
    {
      GetLog: ({ params }) => ((call = params), { status: 'Accepted', filename: 'security.log' }),
      GetConfiguration: ({ params }) => ({ configurationKey: [], unknownKey: (params.key as string[] | undefined) ?? [] }),
    },
    () => ({ status: 'NotSupported' }),
  );
  await client.connect();
  try {
    expect(await client.call('BootNotification', goBoot)).toMatchObject({ status: 'Accepted' });
    const asked = await api.post(`/api/v1/chargers/${ID}/logs`, { logType: 'SecurityLog', startTime: '2026-01-01T00:00:00Z' });
    expect(asked.status).toBe(201);
    expect(asked.body).toMatchObject({ kind: 'security-log', fileName: 'security.log', status: 'requested' });
    expect(call).toMatchObject({ logType: 'SecurityLog', requestId: asked.body.requestId, log: { oldestTimestamp: '2026-01-01T00:00:00Z' } });
    const url = (call.log as { remoteLocation: string }).remoteLocation.replace(/^http:\/\/localhost:\d+/, csms.apiUrl);
    const json = await fetch(url, { method: 'PUT', body: JSON.stringify({ a: 1 }), headers: { 'Content-Type': 'application/json' } });
    expect(json.status).toBe(415);
    await client.call('LogStatusNotification', { status: 'Uploading', requestId: asked.body.requestId });
    await until(asked.body.id, 'uploading');
    const log = Buffer.from('2026-01-01T00:00:01Z SettingSystemTime\n');
    expect((await fetch(url, { method: 'PUT', body: log })).status).toBe(201);
    await client.call('LogStatusNotification', { status: 'Uploaded', requestId: asked.body.requestId });
    await until(asked.body.id, 'received');
    const download = await fetch(`${csms.apiUrl}/api/v1/diagnostics/${asked.body.id}/file`);
    expect(download.headers.get('content-disposition')).toBe('attachment; filename="security.log"');
    expect(Buffer.from(await download.arrayBuffer()).equals(log)).toBe(true);
  } finally {
    await client.close();
  }
});

test.each([
  ['uploads its file to the CSMS: received, the same bytes', false, 'received'],
  ['with the upload-failure fault: UploadFailed, nothing stored', true, 'upload-failed'],
] as const)('the simulator %s', async (_name, fails, expected) => {
  const ID = fails ? 'ZAPDIAG000002' : 'ZAPDIAG000001';
  const charger = new SimulatedCharger({ url: csms.ocppUrl, identity: ID, model: 'go', reconnectDelayMs: 100, faults: { diagnosticsUploadFails: fails } });
  const booted = new Promise<void>((r) => charger.once('booted', () => r()));
  charger.start();
  try {
    await booted;
    const asked = await api.post(`/api/v1/chargers/${ID}/diagnostics`, {});
    expect(asked.status).toBe(201);
    expect(asked.body.fileName).toBe(`${ID}-diagnostics.log`);
    await until(asked.body.id, expected);
    const view = (await api.get(`/api/v1/diagnostics/${asked.body.id}`)).body;
    const download = await fetch(`${csms.apiUrl}/api/v1/diagnostics/${asked.body.id}/file`);
    const events = await openSse(`${csms.apiUrl}/api/v1/events?chargerId=${ID}&types=diagnostics&lastEventId=0`);
    try {
      await events.next((e) => e.type === 'diagnostics' && e.data.id === asked.body.id && e.data.status === expected);
      expect(
        events.events
          .filter((e) => e.data.id === asked.body.id)
          .map((e) => e.data.event)
          .slice(0, 2),
      ).toEqual(['requested', 'answered']);
    } finally {
      events.close();
    }
    if (fails) {
      expect(download.status).toBe(404);
      return;
    }
    expect(download.status).toBe(200);
    const bytes = Buffer.from(await download.arrayBuffer());
    // The simulator's file with its own generation time: compare everything but that line.
    const head = (b: Buffer): string => b.toString().split('\n').slice(0, 3).join('\n');
    expect(head(bytes)).toBe(head(diagnosticsFile(ID, 'Go', '2.4.2.4')));
    expect(view).toMatchObject({ size: bytes.length, storedName: `${ID}-diagnostics.log` });
    // The charger's Uploaded and Idle after the receipt change nothing.
    await eventually(async () => ((await api.get(`/api/v1/diagnostics/${asked.body.id}`)).body.chargerStatus === 'Idle' ? true : undefined), 'Idle seen');
    expect(await statusOf(asked.body.id)).toBe('received');
  } finally {
    await charger.stop();
  }
});
