/**
 * docs/reference/design-decisions.md#commands, docs/reference/design-decisions.md#every-bad-frame-counts and the
 * smaller points on the all-in-one: each API command reaches the charger
 * exactly once whatever overlapping sockets came and went before; a command queued behind an unanswered
 * CALL is never sent after its caller got 504; a CALL sent and then lost with the socket is 424 "outcome
 * unknown", not 404; every bad frame counts toward the limit, with rate-limited warnings; idle API
 * connections are closed.
 */
import { connect as tcpConnect } from 'node:net';
import { jest } from '@jest/globals';
import { apiClient } from '../support/api-client.js';
import { startService, type ServiceProcess } from '../support/processes.js';
import { connectRawCharger, type RawCharger } from '../support/raw-charger.js';

jest.setTimeout(180_000);

let csms: ServiceProcess;

beforeAll(async () => {
  csms = await startService({ env: { BAD_FRAMES_PER_MINUTE: '10', LOG_LEVEL: 'warn' } });
});
afterAll(async () => {
  await csms?.stop();
});

const api = () => apiClient(csms.apiUrl);

/** Sockets for one identity that answer `action` at once and count every time they receive it. */
function answering(sockets: RawCharger[], action: string, result: unknown): { received: () => number } {
  let received = 0;
  for (const c of sockets) {
    c.ws.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as unknown[];
      if (frame[0] === 2 && frame[2] === action) {
        received++;
        c.ws.send(JSON.stringify([3, frame[1], result]));
      }
    });
  }
  return { received: () => received };
}

/**
 * Opens `n` sockets for one identity at once; some lose the race to newer ones and are closed (1000). They come back
 * in the order they opened, not the order they were asked for: the gateway keeps the one whose handshake it finished
 * last, which is among the last to open here, so closing the first few opened leaves it alone (closing the first ten asked for
 * once closed it: every socket ended closed).
 */
async function overlapping(identity: string, n: number): Promise<RawCharger[]> {
  const opened: RawCharger[] = [];
  await Promise.allSettled(Array.from({ length: n }, () => connectRawCharger(csms.ocppUrl, identity).then((c) => opened.push(c))));
  return opened;
}

const stillOpen = (sockets: RawCharger[]) => sockets.filter((c) => c.ws.readyState === c.ws.OPEN);

/** Waits until only the newest socket of the burst is still open (the others were replaced). */
async function oneLeft(sockets: RawCharger[]): Promise<RawCharger> {
  for (;;) {
    const open = stillOpen(sockets);
    if (open.length === 1) return open[0];
    if (open.length === 0) {
      // Who closed them and why (replaced, pong timeout, ...) is the first thing to know if this ever happens.
      const closes = await Promise.all(sockets.map((c) => c.closed));
      throw new Error(`every socket was closed: ${closes.map((c) => `${c.code} ${c.reason}`).join('; ')} (of ${sockets.length} opened)`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('exactly one delivery per command after overlapping sockets', () => {
  test('50 sockets at once for one identity, some closed by the charger: 20 commands, 20 answers, 20 receipts', async () => {
    const sockets = await overlapping('OVERLAP-50', 50);
    // The charger side closes a few of its own sockets too (the first to open), while the gateway is still sorting them out.
    for (const c of sockets.slice(0, 10)) c.ws.close();
    const counter = answering(sockets, 'ClearCache', { status: 'Accepted' });
    await oneLeft(sockets);
    const results = await Promise.all(Array.from({ length: 20 }, () => api().post('/api/v1/chargers/OVERLAP-50/commands/ClearCache', {})));
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(counter.received()).toBe(20);
    expect(new Set(results.map((r) => r.body.commandId)).size).toBe(20);
    for (const c of sockets) c.ws.close();
  });

  test('three bursts of reconnects, then the charger gone: the next command is 404 and nothing is received', async () => {
    const all: RawCharger[] = [];
    for (let round = 0; round < 3; round++) {
      const burst = await overlapping('OVERLAP-ROUNDS', 5);
      all.push(...burst);
      for (const c of burst) if (Math.random() < 0.5) c.ws.close();
    }
    const counter = answering(all, 'ClearCache', { status: 'Accepted' });
    for (const c of all) c.ws.close();
    await Promise.all(all.map((c) => c.closed));
    // The gateway learns of the closes asynchronously: once it has, nothing listens for this charger.
    let res = await api().post('/api/v1/chargers/OVERLAP-ROUNDS/commands/ClearCache?timeoutMs=2000', {});
    for (let i = 0; res.status !== 404 && i < 20; i++) res = await api().post('/api/v1/chargers/OVERLAP-ROUNDS/commands/ClearCache?timeoutMs=2000', {});
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ error: 'not_connected' });
    expect(counter.received()).toBe(0);
  });

  test('100 chargers x 3 overlapping sockets: one command each, each received exactly once', async () => {
    const ids = Array.from({ length: 100 }, (_, i) => `OVERLAP-FLEET-${i}`);
    const sockets = new Map<string, RawCharger[]>();
    await Promise.all(ids.map(async (id) => sockets.set(id, await overlapping(id, 3))));
    const counters = new Map(ids.map((id) => [id, answering(sockets.get(id) ?? [], 'ClearCache', { status: 'Accepted' })]));
    for (const id of ids) await oneLeft(sockets.get(id) ?? []);
    const results = await Promise.all(ids.map((id) => api().post(`/api/v1/chargers/${id}/commands/ClearCache`, {})));
    expect(results.filter((r) => r.status !== 200).map((r) => [r.status, r.body])).toEqual([]);
    expect(ids.filter((id) => counters.get(id)?.received() !== 1)).toEqual([]);
    for (const list of sockets.values()) for (const c of list) c.ws.close();
  });
});

describe('deadlines and lost connections', () => {
  test('a command queued behind an unanswered CALL is dropped at its 504 and never reaches the charger', async () => {
    const c = await connectRawCharger(csms.ocppUrl, 'DEADLINE-1');
    c.send([2, 'b1', 'BootNotification', { chargePointVendor: 'Acme', chargePointModel: 'X1' }]);
    await c.reply('b1');
    // The charger never answers the first TriggerMessage: the second waits behind it.
    const first = api().post('/api/v1/chargers/DEADLINE-1/commands/TriggerMessage?timeoutMs=3000', { requestedMessage: 'Heartbeat' });
    await c.next((f) => f[0] === 2 && f[2] === 'TriggerMessage');
    const second = await api().post('/api/v1/chargers/DEADLINE-1/commands/TriggerMessage?timeoutMs=1000', { requestedMessage: 'StatusNotification' });
    expect(second.status).toBe(504);
    expect((await first).status).toBe(504);
    // A third command goes out after the first timed out; the queue is in order, so had the second still
    // been queued it would have reached the charger before this one.
    const third = api().post('/api/v1/chargers/DEADLINE-1/commands/TriggerMessage?timeoutMs=5000', { requestedMessage: 'BootNotification' });
    const thirdCall = await c.next((f) => f[0] === 2 && (f[3] as { requestedMessage?: string }).requestedMessage === 'BootNotification');
    c.send([3, thirdCall[1], { status: 'Accepted' }]);
    expect((await third).status).toBe(200);
    const triggers = c.frames.filter((f) => f[0] === 2 && f[2] === 'TriggerMessage').map((f) => (f[3] as { requestedMessage: string }).requestedMessage);
    expect(triggers).toEqual(['Heartbeat', 'BootNotification']);
    c.ws.close();
  });

  test('a Hard Reset the charger carries out by closing its socket before answering: 424, outcome unknown (not 404)', async () => {
    const c = await connectRawCharger(csms.ocppUrl, 'RESET-1');
    c.send([2, 'b1', 'BootNotification', { chargePointVendor: 'Acme', chargePointModel: 'X1' }]);
    await c.reply('b1');
    const pending = api().post('/api/v1/chargers/RESET-1/commands/Reset', { type: 'Hard' });
    await c.next((f) => f[0] === 2 && f[2] === 'Reset');
    c.ws.terminate();
    const res = await pending;
    expect(res.status).toBe(424);
    expect(res.body).toMatchObject({ error: 'connection_lost', outcome: 'unknown' });
  });

  test('nothing sent because nobody holds the charger: 404', async () => {
    const res = await api().post('/api/v1/chargers/NEVER-CONNECTED-1/commands/ClearCache', {});
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ error: 'not_connected' });
  });
});

describe('every bad frame counts', () => {
  test.each([
    ['answers that match no CALL', (i: number) => [3, `nobody-asked-${i}`, {}]],
    ['CALLERRORs that match no CALL', (i: number) => [4, `nobody-asked-${i}`, 'GenericError', '', {}]],
    ['unknown message type ids', (i: number) => [7, `x${i}`, {}]],
  ])('%s close the socket past BAD_FRAMES_PER_MINUTE, with rate-limited warnings', async (_name, frame) => {
    const identity = `FLOOD-${String(_name).split(' ')[0].toUpperCase()}-${frame(0)[0]}`;
    const c = await connectRawCharger(csms.ocppUrl, identity);
    for (let i = 0; i < 200 && c.ws.readyState === c.ws.OPEN; i++) c.send(frame(i));
    const closed = await c.closed;
    expect(closed.code).toBe(1002);
    // Output arrives asynchronously: wait for the summary of what was held back (written at the close).
    const lines = () =>
      csms
        .output()
        .split('\n')
        .filter((l) => l.includes(`${identity}:`));
    for (let i = 0; i < 100 && !lines().some((l) => l.includes('suppressed')); i++) await new Promise((r) => setTimeout(r, 100));
    const warnings = lines().filter((l) => !l.includes('suppressed') && !l.includes('closing'));
    // At least 11 bad frames reached the gateway before it closed the socket: 5 warned, the rest summarised.
    expect(warnings).toHaveLength(5);
    expect(lines().filter((l) => l.includes('suppressed'))).toHaveLength(1);
  });
});

describe('idle API connections', () => {
  // Their own process: with a 1 s headers timeout, a burst of 100 API requests on a loaded machine (the 100-charger
  // test above, in CI beside the other tiers) had some answered 408 before their headers were read.
  let idle: ServiceProcess;
  beforeAll(async () => {
    idle = await startService({ env: { LOG_LEVEL: 'warn', API_HEADERS_TIMEOUT_MS: '1000', API_KEEP_ALIVE_TIMEOUT_MS: '500' } });
  });
  afterAll(async () => {
    await idle?.stop();
  });

  test('a connection that never sends a request is closed by the server', async () => {
    const socket = tcpConnect(idle.apiPort, '127.0.0.1');
    socket.on('error', () => undefined); // a reset is a close too
    // Read whatever comes (a 408, or nothing): a paused socket would never see the server's end.
    socket.resume();
    await new Promise<void>((resolve) => socket.on('close', () => resolve()));
    expect(socket.destroyed).toBe(true);
  }, 30_000);

  test('an idle keep-alive connection is closed after its response', async () => {
    const socket = tcpConnect(idle.apiPort, '127.0.0.1', () => socket.write('GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n'));
    let received = '';
    socket.on('data', (d) => (received += d.toString()));
    await new Promise<void>((resolve) => socket.on('close', () => resolve()));
    expect(received).toMatch(/^HTTP\/1\.1 200/);
  });
});
