import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { InProcessBus, subjects, type ChargerMessage, type ChargerReply } from '#csms/bus';
import { CallRouter } from '../routing/call-router.js';
import { ChargerSession, type SessionLimits } from './charger-session.js';

type Frame = unknown[];

/** The charger's end of a real ws pair: frames in arrival order, and a way to wait for the next one. */
class Charger {
  readonly frames: Frame[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private wake: Array<() => void> = [];
  private ended = false;
  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.frames.push(JSON.parse(String(data)) as Frame);
      for (const w of this.wake.splice(0)) w();
    });
    this.closed = once(ws, 'close').then(([code, reason]) => {
      this.ended = true;
      for (const w of this.wake.splice(0)) w();
      return { code: code as number, reason: String(reason) };
    });
  }
  send(frame: Frame | string | Buffer): void {
    this.ws.send(typeof frame === 'string' || Buffer.isBuffer(frame) ? frame : JSON.stringify(frame));
  }
  async next(): Promise<Frame> {
    while (this.frames.length === 0) {
      // A test waiting for a frame that can no longer come fails at once instead of at Jest's timeout.
      if (this.ended) throw new Error('the socket closed before the next frame');
      await new Promise<void>((r) => this.wake.push(r));
    }
    return this.frames.shift() as Frame;
  }
  /** Sends a CALL and returns the answer to it (the next frame must be it). */
  async call(id: string, action: string, payload: unknown): Promise<Frame> {
    this.send([2, id, action, payload]);
    const answer = await this.next();
    expect(answer[1]).toBe(id);
    return answer;
  }
}

const LIMITS: SessionLimits = { commandTimeoutMs: 30_000, pingIntervalMs: 600_000, badFramesPerMinute: 20, maxSendBufferBytes: 1 << 20 };
const BOOT = { chargePointVendor: 'Zaptec', chargePointModel: 'Go' };

let bus: InProcessBus;
let server: WebSocketServer;
const sockets: WebSocket[] = [];

beforeEach(async () => {
  bus = await InProcessBus.open();
  server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await once(server, 'listening');
});
afterEach(async () => {
  for (const ws of sockets.splice(0)) ws.terminate();
  await new Promise((r) => server.close(r));
  await bus.close();
});

async function connect(limits: Partial<SessionLimits> = {}, router?: CallRouter): Promise<{ session: ChargerSession; charger: Charger }> {
  const accepted = once(server, 'connection');
  const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`, 'ocpp1.6');
  sockets.push(client);
  const charger = new Charger(client);
  await once(client, 'open');
  const [ws] = (await accepted) as [WebSocket];
  const session = new ChargerSession('CP-1', '127.0.0.1', ws, router ?? new CallRouter(bus, 'gw-test'), { ...LIMITS, ...limits });
  session.start();
  return { session, charger };
}

/** A config-manager stand-in on the real bus answering BootNotification with `status`. */
async function bootService(status: 'Accepted' | 'Pending' | 'Rejected', seen: ChargerMessage[] = []): Promise<void> {
  await bus.serve<ChargerMessage, ChargerReply<Record<string, unknown>>>(subjects.request('BootNotification'), async (m) => {
    seen.push(m);
    return { result: { status, currentTime: new Date().toISOString(), interval: 300 } };
  });
}

describe('ChargerSession: CALLs from the charger', () => {
  test('a Heartbeat is answered locally, a BootNotification through the owning service, each with its CALLRESULT', async () => {
    const seen: ChargerMessage[] = [];
    await bootService('Accepted', seen);
    const { session, charger } = await connect();
    const hb = await charger.call('h1', 'Heartbeat', {});
    expect(hb[0]).toBe(3);
    expect(new Date((hb[2] as { currentTime: string }).currentTime).toISOString()).toBe((hb[2] as { currentTime: string }).currentTime);

    expect(await charger.call('b1', 'BootNotification', BOOT)).toEqual([3, 'b1', expect.objectContaining({ status: 'Accepted', interval: 300 })]);
    expect(seen).toEqual([expect.objectContaining({ chargerId: 'CP-1', messageId: 'b1', action: 'BootNotification', payload: BOOT, gatewayId: 'gw-test' })]);
    expect(session.bootStatus).toBe('Accepted');
  });

  test('a StatusNotification is answered {} once it is in the events stream', async () => {
    const { charger } = await connect();
    const payload = { connectorId: 1, errorCode: 'NoError', status: 'Available' };
    expect(await charger.call('s1', 'StatusNotification', payload)).toEqual([3, 's1', {}]);
    const reader = await bus.readStream<ChargerMessage>({ filterSubjects: [subjects.event('CP-1', 'StatusNotification')], startSeq: 1 });
    const first = await reader[Symbol.asyncIterator]().next();
    await reader.close();
    expect(first.value).toMatchObject({ data: { chargerId: 'CP-1', messageId: 's1', payload } });
  });

  test.each([
    ['a field of the wrong type', 'TypeConstraintViolation', 'BootNotification', { chargePointVendor: 42, chargePointModel: 'Go' }],
    ['a value outside its enum', 'PropertyConstraintViolation', 'StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Sleeping' }],
    ['a missing required field', 'OccurenceConstraintViolation', 'BootNotification', { chargePointVendor: 'Zaptec' }],
    ['a field the schema does not have', 'FormationViolation', 'Heartbeat', { extra: 1 }],
    ['an unknown action', 'NotImplemented', 'FooBar', {}],
    ['an action only a central system sends', 'NotSupported', 'Reset', { type: 'Soft' }],
  ])('%s gets a CALLERROR %s and the socket stays up', async (_what, code, action, payload) => {
    const { charger } = await connect();
    const answer = await charger.call('x1', action, payload);
    expect(answer.slice(0, 3)).toEqual([4, 'x1', code]);
    expect(typeof answer[3]).toBe('string');
    expect((await charger.call('h2', 'Heartbeat', {}))[0]).toBe(3);
  });

  test('a CALL no service answers gets InternalError (retry later), which does not count as a bad frame', async () => {
    const { charger } = await connect({ badFramesPerMinute: 0 });
    const answer = await charger.call('a1', 'Authorize', { idTag: 'TAG1' });
    expect(answer.slice(0, 3)).toEqual([4, 'a1', 'InternalError']);
    expect(String(answer[3])).toContain('no service answers');
    expect((await charger.call('h1', 'Heartbeat', {}))[0]).toBe(3);
  });

  test('a malformed CALL whose id is readable gets FormationViolation; binary and unreadable frames get no answer', async () => {
    const { charger } = await connect();
    charger.send(Buffer.from([1, 2, 3]));
    charger.send('not json');
    charger.send([2, 'm1', 'Heartbeat']);
    expect((await charger.next()).slice(0, 3)).toEqual([4, 'm1', 'FormationViolation']);
    // Nothing was answered to the first two: the next frame is the Heartbeat's answer.
    expect((await charger.call('h1', 'Heartbeat', {}))[0]).toBe(3);
  });

  test('bad frames up to the limit are tolerated; one more closes the socket with 1002', async () => {
    const { session, charger } = await connect({ badFramesPerMinute: 2 });
    const closes: Array<[number, string]> = [];
    session.onClose((code, reason) => closes.push([code, reason]));
    charger.send(Buffer.from([0]));
    charger.send([2, 'r1', 'Reset', { type: 'Soft' }]); // a refused CALL counts too
    expect((await charger.next()).slice(0, 3)).toEqual([4, 'r1', 'NotSupported']);
    expect((await charger.call('h1', 'Heartbeat', {}))[0]).toBe(3);
    charger.send(Buffer.from([0]));
    expect(await charger.closed).toEqual({ code: 1002, reason: 'too many malformed frames' });
    await new Promise((r) => setImmediate(r));
    expect(closes).toEqual([[1002, 'too many malformed frames']]);
    expect(session.isOpen).toBe(false);
  });

  test('CALLs are answered in arrival order even when the first waits on a slow service, while a command completes meanwhile', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    await bus.serve<ChargerMessage, ChargerReply<Record<string, unknown>>>(subjects.request('BootNotification'), async () => {
      await gate;
      return { result: { status: 'Accepted', currentTime: new Date().toISOString(), interval: 60 } };
    });
    const { session, charger } = await connect();
    charger.send([2, 'b1', 'BootNotification', BOOT]);
    charger.send([2, 'h1', 'Heartbeat', {}]);
    const command = session.execute({ action: 'ClearCache', payload: {} });
    const call = await charger.next();
    expect(call.slice(0, 4)).toEqual([2, expect.any(String), 'ClearCache', {}]);
    charger.send([3, call[1], { status: 'Accepted' }]);
    await expect(command).resolves.toMatchObject({ reply: { status: 'ok', result: { status: 'Accepted' } } });
    // The command's answer went in after both CALLs: both are still waiting, nothing was answered yet.
    expect(session.pendingWork).toBe(2);
    expect(charger.frames).toEqual([]);
    release();
    await session.settled();
    expect((await charger.next()).slice(0, 2)).toEqual([3, 'b1']);
    expect((await charger.next()).slice(0, 2)).toEqual([3, 'h1']);
    expect(session.pendingWork).toBe(0);
  });
});

describe('ChargerSession: CALLs answered at once', () => {
  test('a Heartbeat answered at once leaves no work pending and nothing to settle', async () => {
    const { session, charger } = await connect();
    expect(await charger.call('h1', 'Heartbeat', {})).toEqual([3, 'h1', { currentTime: expect.any(String) }]);
    expect(session.pendingWork).toBe(0);
    await session.settled();
  });

  test('a router that throws at once or rejects later: InternalError for that CALL, the next CALL answered normally', async () => {
    const real = new CallRouter(bus, 'gw-test');
    const router = Object.assign(Object.create(real) as CallRouter, {
      route: (chargerId: string, messageId: string, action: string, payload: unknown) => {
        if (messageId === 'sync-throw') throw new Error('boom');
        if (messageId === 'async-reject') return Promise.reject(new Error('later boom'));
        return real.route(chargerId, messageId, action, payload);
      },
    });
    const { session, charger } = await connect({}, router);
    expect(await charger.call('sync-throw', 'Heartbeat', {})).toEqual([4, 'sync-throw', 'InternalError', 'unexpected error', {}]);
    expect(await charger.call('async-reject', 'Heartbeat', {})).toEqual([4, 'async-reject', 'InternalError', 'unexpected error', {}]);
    expect(await charger.call('h2', 'Heartbeat', {})).toEqual([3, 'h2', { currentTime: expect.any(String) }]);
    expect(session.pendingWork).toBe(0);
  });
});

describe('ChargerSession.execute: commands to the charger', () => {
  test('the command goes out as a CALL and its CALLRESULT resolves it, with the time it was sent', async () => {
    const { session, charger } = await connect();
    const before = Date.now();
    const pending = session.execute({ action: 'Reset', payload: { type: 'Soft' } });
    const call = await charger.next();
    expect(call).toEqual([2, expect.any(String), 'Reset', { type: 'Soft' }]);
    charger.send([3, call[1], { status: 'Accepted' }]);
    const done = await pending;
    expect(done.reply).toEqual({ status: 'ok', result: { status: 'Accepted' } });
    expect(done.sentAt?.getTime()).toBeGreaterThanOrEqual(before);
  });

  test('a CALLERROR answer resolves as callerror with its code, description and details', async () => {
    const { session, charger } = await connect();
    const pending = session.execute({ action: 'ChangeConfiguration', payload: { key: 'HeartbeatInterval', value: '60' } });
    const call = await charger.next();
    charger.send([4, call[1], 'NotSupported', 'no such thing', { hint: 'x' }]);
    expect((await pending).reply).toEqual({ status: 'callerror', code: 'NotSupported', description: 'no such thing', details: { hint: 'x' } });
  });

  test('one CALL at a time: the second command is sent only after the first one was answered', async () => {
    const { session, charger } = await connect();
    const first = session.execute({ action: 'ClearCache', payload: {} });
    const second = session.execute({ action: 'Reset', payload: { type: 'Hard' } });
    const call1 = await charger.next();
    expect(call1[2]).toBe('ClearCache');
    // A round trip after the first CALL: had the second gone out, it would be here before this answer.
    expect((await charger.call('h1', 'Heartbeat', {}))[0]).toBe(3);
    charger.send([3, call1[1], { status: 'Accepted' }]);
    const call2 = await charger.next();
    expect(call2[2]).toBe('Reset');
    charger.send([3, call2[1], { status: 'Rejected' }]);
    expect((await first).reply).toEqual({ status: 'ok', result: { status: 'Accepted' } });
    expect((await second).reply).toEqual({ status: 'ok', result: { status: 'Rejected' } });
  });

  test('the socket closing after the CALL went out resolves as connection-lost; after that nothing is sent (not-connected)', async () => {
    const { session, charger } = await connect();
    const closes: Array<[number, string]> = [];
    session.onClose((code, reason) => closes.push([code, reason]));
    const pending = session.execute({ action: 'Reset', payload: { type: 'Soft' } });
    await charger.next();
    charger.ws.close(4000, 'bye');
    const lost = await pending;
    expect(closes).toEqual([[4000, 'bye']]);
    expect(lost.reply).toEqual({ status: 'connection-lost' });
    expect(lost.sentAt).toBeInstanceOf(Date);
    expect(session.isOpen).toBe(false);
    const after = await session.execute({ action: 'Reset', payload: { type: 'Soft' } });
    expect(after).toEqual({ reply: { status: 'not-connected' } });
  });

  test('no answer within timeoutMs resolves as timeout; the late answer is then only counted, not answered', async () => {
    const { session, charger } = await connect();
    const pending = session.execute({ action: 'ClearCache', payload: {}, timeoutMs: 20 });
    const call = await charger.next();
    const done = await pending;
    expect(done.reply).toEqual({ status: 'timeout' });
    expect(done.sentAt).toBeInstanceOf(Date);
    charger.send([3, call[1], { status: 'Accepted' }]);
    expect((await charger.call('h1', 'Heartbeat', {}))[0]).toBe(3);
  });

  test('a deadline already passed: timeout, and the CALL is never sent', async () => {
    const { session, charger } = await connect();
    expect(await session.execute({ action: 'ClearCache', payload: {}, deadline: Date.now() - 1 })).toEqual({ reply: { status: 'timeout' } });
    expect((await charger.call('h1', 'Heartbeat', {}))[0]).toBe(3);
  });

  test.each([
    ['an action the charger sends, not the central system', { action: 'Heartbeat', payload: {} }, 'action'],
    ['an unknown action', { action: 'Explode', payload: {} }, 'action'],
    ['a payload that breaks the schema', { action: 'Reset', payload: { type: 'Gentle' } }, '$.type'],
  ])('%s is invalid and nothing is sent', async (_what, request, path) => {
    const { session, charger } = await connect();
    const { reply, sentAt } = await session.execute(request);
    expect(reply.status).toBe('invalid');
    expect(reply.status === 'invalid' && reply.errors[0]?.path).toBe(path);
    expect(sentAt).toBeUndefined();
    expect((await charger.call('h1', 'Heartbeat', {}))[0]).toBe(3);
  });

  test('boot Pending refuses remote start/stop but sends other commands', async () => {
    await bootService('Pending');
    const pendingCp = await connect();
    await pendingCp.charger.call('b1', 'BootNotification', BOOT);
    expect(pendingCp.session.bootStatus).toBe('Pending');
    const start = await pendingCp.session.execute({ action: 'RemoteStartTransaction', payload: { idTag: 'TAG1' } });
    expect(start.reply.status).toBe('invalid');
    const stop = await pendingCp.session.execute({ action: 'RemoteStopTransaction', payload: { transactionId: 1 } });
    expect(stop.reply.status).toBe('invalid');
    const other = pendingCp.session.execute({ action: 'GetConfiguration', payload: {} });
    const call = await pendingCp.charger.next();
    expect(call[2]).toBe('GetConfiguration');
    pendingCp.charger.send([3, call[1], { configurationKey: [] }]);
    expect((await other).reply.status).toBe('ok');
  });

  test('boot Rejected: the central system sends the charger nothing', async () => {
    await bootService('Rejected');
    const { session, charger } = await connect();
    await charger.call('b1', 'BootNotification', BOOT);
    const reset = await session.execute({ action: 'Reset', payload: { type: 'Soft' } });
    expect(reset.reply.status).toBe('invalid');
    expect(reset.sentAt).toBeUndefined();
  });

  test('a CALL that would overflow the send buffer is not sent (not-connected) and the socket is dropped', async () => {
    const { session, charger } = await connect({ maxSendBufferBytes: 10 });
    expect(await session.execute({ action: 'Reset', payload: { type: 'Soft' } })).toEqual({ reply: { status: 'not-connected' } });
    expect((await charger.closed).code).toBe(1006);
    expect(charger.frames).toEqual([]);
  });
});

describe('ChargerSession: liveness', () => {
  test('a charger that answers no ping is disconnected (terminated), and a pending command resolves connection-lost', async () => {
    const accepted = once(server, 'connection');
    const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`, 'ocpp1.6', { autoPong: false });
    sockets.push(client);
    const charger = new Charger(client);
    let pings = 0;
    client.on('ping', () => pings++);
    await once(client, 'open');
    const [ws] = (await accepted) as [WebSocket];
    const session = new ChargerSession('CP-1', '127.0.0.1', ws, new CallRouter(bus, 'gw-test'), { ...LIMITS, pingIntervalMs: 40 });
    session.start();
    const pending = session.execute({ action: 'ClearCache', payload: {} });
    await charger.next();
    expect((await charger.closed).code).toBe(1006);
    expect(pings).toBeGreaterThan(0);
    expect((await pending).reply).toEqual({ status: 'connection-lost' });
  });
});
