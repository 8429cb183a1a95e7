/**
 * Bad input of every kind over a raw socket (docs/reference/protocol-notes.md#bad-frames), the subprotocol rule, and the
 * one-outstanding-CALL rule for commands fired at once through the API (OCPP-J §4.1.1).
 */
import { jest } from '@jest/globals';
import { apiClient } from '../support/api-client.js';
import { startService, type ServiceProcess } from '../support/processes.js';
import { connectRawCharger } from '../support/raw-charger.js';

jest.setTimeout(120_000);

let csms: ServiceProcess;

beforeAll(async () => {
  csms = await startService({ env: { BAD_FRAMES_PER_MINUTE: '12' } });
});
afterAll(async () => {
  await csms?.stop();
});

/** A raw charger on this system: sends text, collects every frame it receives. */
const rawCharger = (identity: string, protocols?: string[]) => connectRawCharger(csms.ocppUrl, identity, protocols);

const boot = { chargePointVendor: 'Acme', chargePointModel: 'X1' };

describe('malformed frames get the right CALLERROR and the socket survives', () => {
  const cases: Array<[string, unknown, string]> = [
    ['unknown action -> NotImplemented', [2, 'c1', 'FooBar', {}], 'NotImplemented'],
    ['a CSMS-only action from a charger -> NotSupported', [2, 'c2', 'Reset', { type: 'Soft' }], 'NotSupported'],
    ['wrong type -> TypeConstraintViolation', [2, 'c3', 'BootNotification', { chargePointVendor: 5, chargePointModel: 'x' }], 'TypeConstraintViolation'],
    [
      'too long string -> PropertyConstraintViolation',
      [2, 'c4', 'BootNotification', { chargePointVendor: 'x'.repeat(21), chargePointModel: 'x' }],
      'PropertyConstraintViolation',
    ],
    [
      'unknown enum -> PropertyConstraintViolation',
      [2, 'c5', 'StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Sleeping' }],
      'PropertyConstraintViolation',
    ],
    [
      'missing required field -> OccurenceConstraintViolation (1.6 spelling)',
      [2, 'c6', 'BootNotification', { chargePointVendor: 'x' }],
      'OccurenceConstraintViolation',
    ],
    ['unknown property -> FormationViolation', [2, 'c7', 'Heartbeat', { extra: 1 }], 'FormationViolation'],
    ['frame too short -> FormationViolation', [2, 'c8', 'Heartbeat'], 'FormationViolation'],
    ['payload not an object -> FormationViolation', [2, 'c9', 'Heartbeat', [1]], 'FormationViolation'],
  ];

  test.each(cases)('%s', async (_name, frame, code) => {
    const c = await rawCharger(`BAD-${(frame as unknown[])[1]}`);
    c.send(frame);
    const answer = await c.reply((frame as string[])[1]);
    expect(answer[0]).toBe(4);
    expect(answer[2]).toBe(code);
    expect(typeof answer[3]).toBe('string');
    expect(answer[4]).toEqual(expect.any(Object));
    c.send([2, 'hb', 'Heartbeat', {}]);
    expect((await c.reply('hb'))[0]).toBe(3);
    c.ws.close();
  });

  test('unreadable frames (bad JSON, no id, unknown message type) are logged and survived', async () => {
    const c = await rawCharger('BAD-UNREADABLE');
    c.send('{not json');
    c.send([2, 123, 'Heartbeat', {}]);
    c.send([7, 'x1', {}]);
    c.send([2, 'hb2', 'Heartbeat', {}]);
    expect((await c.reply('hb2'))[0]).toBe(3);
    // Nothing was answered to the three unreadable frames.
    expect(c.frames.filter((f) => f[1] !== 'hb2')).toEqual([]);
    const metrics = await apiClient(csms.apiUrl).get('/metrics');
    expect(metrics.text).toMatch(/ocpp_bad_frames_total\{[^}]*\} [1-9]/);
    c.ws.close();
  });

  test('too many bad frames in a minute close the socket with 1002', async () => {
    const c = await rawCharger('BAD-FLOOD');
    for (let i = 0; i < 20; i++) c.send('garbage');
    const closed = await c.closed;
    expect(closed.code).toBe(1002);
  });
});

test('no supported subprotocol: the handshake completes without one and the socket is closed', async () => {
  // The ws client itself refuses a handshake without the subprotocol it asked for, so this speaks raw HTTP.
  const { request } = await import('node:http');
  const req = request(`${csms.ocppUrl.replace('ws://', 'http://')}/NO-PROTO`, {
    headers: {
      Connection: 'Upgrade',
      Upgrade: 'websocket',
      'Sec-WebSocket-Version': '13',
      'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
      'Sec-WebSocket-Protocol': 'ocpp2.0.1',
    },
  });
  const { status, protocol, firstFrame } = await new Promise<{ status: number; protocol: string | undefined; firstFrame: Buffer }>((resolve, reject) => {
    req.once('upgrade', (res, socket, head: Buffer) => {
      const done = (data: Buffer) => {
        resolve({ status: res.statusCode ?? 0, protocol: res.headers['sec-websocket-protocol'] as string | undefined, firstFrame: data });
        socket.destroy();
      };
      // The close frame may come in the same TCP segment as the 101 response (then it is in `head`).
      if (head.length > 0) done(head);
      else socket.once('data', done);
    });
    req.once('response', (res) => reject(new Error(`upgrade refused with ${res.statusCode}`)));
    req.once('error', reject);
    req.end();
  });
  expect(status).toBe(101);
  expect(protocol).toBeUndefined();
  // A close frame (opcode 8) with status 1002.
  expect(firstFrame[0] & 0x0f).toBe(0x8);
  expect(firstFrame.readUInt16BE(2)).toBe(1002);
});

test('commands fired at once reach the charger one at a time (one outstanding CALL)', async () => {
  const c = await rawCharger('SERIAL-1');
  c.send([2, 'b1', 'BootNotification', boot]);
  await c.reply('b1');
  const api = apiClient(csms.apiUrl);
  const keys = ['A', 'B', 'C'];
  const requests = keys.map((k) => api.post('/api/v1/chargers/SERIAL-1/commands/DataTransfer', { vendorId: 'test', data: k }));

  const answered: string[] = [];
  for (let i = 0; i < keys.length; i++) {
    const call = await c.next((f) => f[0] === 2 && !answered.includes(f[1] as string));
    // Hold the answer a moment: a second CALL arriving now would break OCPP-J §4.1.1.
    await new Promise((r) => setTimeout(r, 300));
    const outstanding = c.frames.filter((f) => f[0] === 2 && !answered.includes(f[1] as string));
    expect(outstanding).toHaveLength(1);
    answered.push(call[1] as string);
    c.send([3, call[1], { status: 'Accepted', data: (call[3] as { data: string }).data }]);
  }
  const results = await Promise.all(requests);
  expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
  expect(results.map((r) => r.body.result.data).sort()).toEqual(keys);
  c.ws.close();
});

test('a command payload that breaks the 1.6 schema is 400 naming the field, connected or not, and never reaches the charger', async () => {
  const c = await rawCharger('SCHEMA-1');
  c.send([2, 'b1', 'BootNotification', boot]);
  await c.reply('b1');
  const api = apiClient(csms.apiUrl);
  const bad = { connectorId: 0, type: 'Sideways' };
  for (const id of ['SCHEMA-1', 'SCHEMA-OFFLINE']) {
    const res = await api.post(`/api/v1/chargers/${id}/commands/ChangeAvailability`, bad);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      error: 'validation_failed',
      errors: [expect.objectContaining({ field: expect.stringContaining('type'), rule: expect.any(String) })],
    });
  }
  expect((await api.post('/api/v1/chargers/SCHEMA-OFFLINE/commands/ChangeAvailability', { connectorId: 0, type: 'Operative' })).status).toBe(404);
  // the valid one that follows is the first CALL the charger sees
  const ok = api.post('/api/v1/chargers/SCHEMA-1/commands/ChangeAvailability', { connectorId: 0, type: 'Operative' });
  const call = await c.next((f) => f[0] === 2);
  expect(call[3]).toEqual({ connectorId: 0, type: 'Operative' });
  c.send([3, call[1], { status: 'Accepted' }]);
  expect((await ok).status).toBe(200);
  expect(c.frames.filter((f) => f[0] === 2)).toHaveLength(1);
  c.ws.close();
});

test('a charger that answers with a CALLERROR gives 502 with its code; a silent one 504', async () => {
  const c = await rawCharger('ERRORS-1');
  c.send([2, 'b1', 'BootNotification', boot]);
  await c.reply('b1');
  const api = apiClient(csms.apiUrl);
  const pending = api.post('/api/v1/chargers/ERRORS-1/commands/ClearCache', {});
  const call = await c.next((f) => f[0] === 2);
  c.send([4, call[1], 'NotSupported', 'no cache here', {}]);
  const res = await pending;
  expect(res.status).toBe(502);
  expect(res.body).toMatchObject({ code: 'NotSupported', description: 'no cache here' });

  const silent = await api.post('/api/v1/chargers/ERRORS-1/commands/ClearCache?timeoutMs=300', {});
  expect(silent.status).toBe(504);
  c.ws.close();
});

test('the newest socket for an identity wins', async () => {
  const first = await rawCharger('TWICE-1');
  const second = await rawCharger('TWICE-1');
  const closed = await first.closed;
  expect(closed.code).toBe(1000);
  second.send([2, 'hb', 'Heartbeat', {}]);
  expect((await second.reply('hb'))[0]).toBe(3);
  second.ws.close();
});

test('identities with reserved subject characters work end to end', async () => {
  const identity = 'odd.id*>% æ';
  const c = await rawCharger(identity);
  c.send([2, 'b1', 'BootNotification', boot]);
  await c.reply('b1');
  const api = apiClient(csms.apiUrl);
  const pending = api.post(`/api/v1/chargers/${encodeURIComponent(identity)}/commands/ClearCache`, {});
  const call = await c.next((f) => f[0] === 2);
  c.send([3, call[1], { status: 'Accepted' }]);
  expect((await pending).body).toMatchObject({ result: { status: 'Accepted' }, commandId: expect.any(String) });
  c.ws.close();
});
