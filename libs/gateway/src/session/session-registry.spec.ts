import { EventEmitter } from 'node:events';
import {
  InProcessBus,
  sendCommand,
  subjects,
  type Bus,
  type CommandOutcomeFact,
  type CommandReply,
  type CommandRequest,
  type SeenBatch,
  type Subscription,
} from '#csms/bus';
import type { WebSocket } from 'ws';
import { CallRouter } from '../routing/call-router.js';
import { ChargerSession } from './charger-session.js';
import { SEEN_BATCH_MAX, SessionRegistry } from './session-registry.js';

/**
 * A socket as ChargerSession sees it. `answer` decides what the "charger" does with each CALL it receives
 * (answer at once, or never); `calls` counts every CALL that reached this socket.
 */
class FakeSocket extends EventEmitter {
  readonly OPEN = 1;
  readyState = 1;
  bufferedAmount = 0;
  readonly calls: Array<{ id: string; action: string }> = [];
  constructor(private readonly answer: 'at-once' | 'never' = 'at-once') {
    super();
  }
  send(text: string): void {
    const frame = JSON.parse(text) as unknown[];
    if (frame[0] !== 2) return;
    this.calls.push({ id: String(frame[1]), action: String(frame[2]) });
    if (this.answer === 'at-once')
      setImmediate(() =>
        this.emit('message', Buffer.from(JSON.stringify([3, frame[1], { status: frame[2] === 'UnlockConnector' ? 'Unlocked' : 'Accepted' }])), false),
      );
  }
  close(code = 1000, reason = ''): void {
    if (this.readyState !== 1) return;
    this.readyState = 2;
    setImmediate(() => {
      this.readyState = 3;
      this.emit('close', code, Buffer.from(reason));
    });
  }
  terminate(): void {
    this.close(1006, 'terminated');
  }
  ping(): void {}
}

/** The real in-process bus, with the subscribe/unsubscribe latency of a network transport, counting live command subscriptions. */
function slowBus(inner: Bus): Bus & { live: Map<string, number> } {
  const live = new Map<string, number>();
  const jitter = () => new Promise((r) => setTimeout(r, Math.floor(Math.random() * 4)));
  const wrapped = Object.create(inner) as Bus & { live: Map<string, number> };
  wrapped.live = live;
  wrapped.serve = async (subject, handler, options) => {
    await jitter();
    const sub = await inner.serve(subject, handler, options);
    live.set(subject, (live.get(subject) ?? 0) + 1);
    return {
      unsubscribe: async (): Promise<void> => {
        await jitter();
        await sub.unsubscribe();
        live.set(subject, (live.get(subject) ?? 0) - 1);
      },
    } satisfies Subscription;
  };
  return wrapped;
}

const limits = { commandTimeoutMs: 5_000, pingIntervalMs: 60_000, badFramesPerMinute: 20, maxSendBufferBytes: 1 << 20 };

describe('SessionRegistry: one command subscription per charger, one execution per command', () => {
  let inner: InProcessBus;
  let bus: Bus & { live: Map<string, number> };
  let registry: SessionRegistry;
  let router: CallRouter;

  beforeEach(async () => {
    inner = await InProcessBus.open();
    bus = slowBus(inner);
    registry = new SessionRegistry(bus, 'gw-test');
    router = new CallRouter(bus, 'gw-test');
    await registry.start();
  });
  afterEach(async () => {
    await registry.stop();
    await inner.close();
  });

  const connect = (id: string, answer: 'at-once' | 'never' = 'at-once') => {
    const socket = new FakeSocket(answer);
    const session = new ChargerSession(id, '127.0.0.1', socket as unknown as WebSocket, router, limits);
    session.start();
    return { socket, session, added: registry.add(session) };
  };
  /** Waits until no socket is still closing and every subscribe/unsubscribe step has run. */
  const quiet = async (sockets: FakeSocket[]) => {
    for (;;) {
      await new Promise((r) => setTimeout(r, 10));
      await registry.settled();
      if (sockets.every((s) => s.readyState !== 2)) return registry.settled();
    }
  };
  const command = (id: string, extra: Partial<CommandRequest> = {}) => sendCommand(bus, id, { action: 'ClearCache', payload: {}, timeoutMs: 3_000, ...extra });

  test('50 overlapping sockets for one identity: one subscription, and each command reaches the charger once', async () => {
    const sockets = Array.from({ length: 50 }, () => connect('CP-50'));
    // Close most of them in a scrambled order while the later ones still attach.
    for (const [i, s] of sockets.entries()) if (i % 7 !== 6 && i < 49) setTimeout(() => s.socket.close(), Math.floor(Math.random() * 5));
    await Promise.all(sockets.map((s) => s.added));
    await quiet(sockets.map((s) => s.socket));
    const holder = registry.get('CP-50');
    expect(holder).toBe(sockets[49].session);
    expect(bus.live.get(subjects.command('CP-50'))).toBe(1);
    expect(registry.commandSubscriptions).toBe(1);

    const replies = await Promise.all(Array.from({ length: 20 }, () => command('CP-50')));
    expect(replies.map((r) => r.status)).toEqual(Array(20).fill('ok'));
    const received = sockets.reduce((n, s) => n + s.socket.calls.length, 0);
    expect(received).toBe(20);

    for (const s of sockets) s.socket.close();
    await quiet(sockets.map((s) => s.socket));
    expect(bus.live.get(subjects.command('CP-50'))).toBe(0);
    expect(registry.commandSubscriptions).toBe(0);
    expect((await command('CP-50')).status).toBe('not-connected');
  });

  test('100 chargers x 3 overlapping sockets, then all closed: nothing leaks', async () => {
    const all = [];
    for (let c = 0; c < 100; c++) for (let k = 0; k < 3; k++) all.push(connect(`CP-${c}`));
    for (const s of all) if (Math.random() < 0.5) setTimeout(() => s.socket.close(), Math.floor(Math.random() * 3));
    await Promise.all(all.map((s) => s.added));
    await quiet(all.map((s) => s.socket));
    for (let c = 0; c < 100; c++) {
      const subs = bus.live.get(subjects.command(`CP-${c}`)) ?? 0;
      expect([c, subs]).toEqual([c, registry.get(`CP-${c}`) ? 1 : 0]);
    }
    for (const s of all) s.socket.close();
    await quiet(all.map((s) => s.socket));
    expect([...bus.live.values()].every((n) => n === 0)).toBe(true);
    expect(registry.size).toBe(0);
  });

  test('a second delivery of the same command id gets the first outcome; the charger sees one CALL', async () => {
    const { socket, added } = connect('CP-DUP');
    await added;
    await registry.settled();
    const [a, b] = await Promise.all([command('CP-DUP', { commandId: 'same-id' }), command('CP-DUP', { commandId: 'same-id' })]);
    expect(a).toEqual({ status: 'ok', result: { status: 'Accepted' } });
    expect(b).toEqual(a);
    expect(socket.calls).toHaveLength(1);
  });

  test('run here without the bus: the same ledger as the command subject, and nothing for a charger not held here', async () => {
    const { socket, added } = connect('CP-LOCAL');
    await added;
    await registry.settled();
    const request = { commandId: 'local-1', action: 'ClearCache', payload: {}, timeoutMs: 3_000, deadline: Date.now() + 3_000 };
    const here = registry.runIfHeld('CP-LOCAL', request);
    expect(here).toBeDefined();
    const [a, b] = await Promise.all([here, command('CP-LOCAL', { commandId: 'local-1' })]);
    expect(a).toEqual({ status: 'ok', result: { status: 'Accepted' } });
    expect(b).toEqual(a);
    expect(socket.calls).toHaveLength(1);
    expect(registry.runIfHeld('CP-ELSEWHERE', { ...request, commandId: 'local-2' })).toBeUndefined();
    socket.close();
    await quiet([socket]);
    expect(registry.runIfHeld('CP-LOCAL', { ...request, commandId: 'local-3' })).toBeUndefined();
    expect(socket.calls).toHaveLength(1);
  });

  test('a command queued behind an unanswered CALL is dropped at its deadline and never sent', async () => {
    const { socket, added } = connect('CP-SLOW', 'never');
    await added;
    await registry.settled();
    const first = command('CP-SLOW', { timeoutMs: 400 });
    const second = command('CP-SLOW', { timeoutMs: 200 });
    expect((await second).status).toBe('timeout');
    expect((await first).status).toBe('timeout');
    // The queue moved on after the first timed out; the second was already gone.
    await new Promise((r) => setTimeout(r, 50));
    expect(socket.calls.map((c) => c.action)).toEqual(['ClearCache']);
  });

  test('sent, then the socket closed before an answer: connection-lost, and a CommandOutcome fact', async () => {
    const facts: CommandOutcomeFact[] = [];
    const consumer = await inner.consume<CommandOutcomeFact>(
      { durable: 'test-facts', filterSubjects: [subjects.factsOf('CommandOutcome')] },
      async (batch) => void facts.push(...batch.map((m) => m.data)),
    );
    const { socket, added } = connect('CP-LOST', 'never');
    await added;
    await registry.settled();
    const pending = command('CP-LOST', { commandId: 'lost-1', action: 'Reset', payload: { type: 'Hard' }, origin: 'api' });
    while (socket.calls.length === 0) await new Promise((r) => setTimeout(r, 5));
    socket.close(1006, 'rebooting');
    expect((await pending).status).toBe('connection-lost');
    while (facts.length === 0) await new Promise((r) => setTimeout(r, 5));
    expect(facts[0]).toMatchObject({
      chargerId: 'CP-LOST',
      commandId: 'lost-1',
      action: 'Reset',
      status: 'connection-lost',
      origin: 'api',
      gatewayId: 'gw-test',
      sentAt: expect.any(String),
    });
    expect(facts[0].latencyMs).toEqual(expect.any(Number));
    await consumer.unsubscribe();
  });

  /** A charger that never answers, a ClearCache sent to it, and an UnlockConnector queued behind that. */
  const queuedBehindUnanswered = async (id: string) => {
    const old = connect(id, 'never');
    await old.added;
    await registry.settled();
    const first = command(id, { timeoutMs: 2_000 });
    while (old.socket.calls.length === 0) await new Promise((r) => setTimeout(r, 5));
    const queued = command(id, { action: 'UnlockConnector', payload: { connectorId: 1 }, timeoutMs: 2_000 });
    await new Promise((r) => setTimeout(r, 20));
    return { old, first, queued };
  };

  test('a command queued on a socket replaced before sending it goes to the newer socket', async () => {
    const { old, first, queued } = await queuedBehindUnanswered('CP-MOVE');
    const newer = connect('CP-MOVE');
    await newer.added;
    expect((await first).status).toBe('connection-lost');
    expect(await queued).toEqual({ status: 'ok', result: { status: 'Unlocked' } } satisfies CommandReply);
    expect(old.socket.calls.map((c) => c.action)).toEqual(['ClearCache']);
    expect(newer.socket.calls.map((c) => c.action)).toEqual(['UnlockConnector']);
  });
  test('a command queued on a socket that closed before sending it goes to the socket the charger reconnects with', async () => {
    // The old socket's unsubscribe is held open, so the charger is back on this gateway before it let go.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const serve = bus.serve.bind(bus);
    bus.serve = async (subject, handler, options) => {
      const sub = await serve(subject, handler, options);
      return { unsubscribe: async () => held.then(() => sub.unsubscribe()) };
    };
    try {
      const { old, first, queued } = await queuedBehindUnanswered('CP-BACK');
      old.socket.close(1006, 'rebooting');
      expect((await first).status).toBe('connection-lost');
      const back = connect('CP-BACK');
      await back.added;
      // Before: the delivery went back through the ledger, met its own unfinished entry and waited on itself ('timeout').
      expect(await queued).toEqual({ status: 'ok', result: { status: 'Unlocked' } } satisfies CommandReply);
      expect(old.socket.calls.map((c) => c.action)).toEqual(['ClearCache']);
      expect(back.socket.calls.map((c) => c.action)).toEqual(['UnlockConnector']);
    } finally {
      release();
    }
  });
  test('a command handed on over the bus that comes back to the same gateway runs there, not waiting on itself', async () => {
    // Requests sent after the command was queued (the hand-on) are held until the charger is back on this gateway
    // and subscribed again, so the bus delivers the hand-on here.
    let hold = false;
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const request = bus.request.bind(bus);
    bus.request = async <Req, Res>(subject: string, data: Req, options?: Parameters<Bus['request']>[2]): Promise<Res> => {
      if (hold) await held;
      return request<Req, Res>(subject, data, options);
    };
    try {
      const { old, first, queued } = await queuedBehindUnanswered('CP-AGAIN');
      hold = true;
      old.socket.close(1006, 'rebooting');
      expect((await first).status).toBe('connection-lost');
      await quiet([old.socket]);
      expect(bus.live.get(subjects.command('CP-AGAIN'))).toBe(0);
      const back = connect('CP-AGAIN');
      await back.added;
      await registry.settled();
      release();
      // Before: it met its own unfinished entry in the ledger and waited on itself ('timeout').
      expect(await queued).toEqual({ status: 'ok', result: { status: 'Unlocked' } } satisfies CommandReply);
      expect(back.socket.calls.map((c) => c.action)).toEqual(['UnlockConnector']);
    } finally {
      release();
    }
  });
  test('two gateways on one bus: commands during a takeover from one to the other each reach the charger once', async () => {
    const other = new SessionRegistry(bus, 'gw-other');
    await other.start();
    try {
      const onThis = connect('CP-XGW');
      await onThis.added;
      await registry.settled();
      const sent = Array.from({ length: 10 }, () => command('CP-XGW'));
      // The charger reconnects to the other gateway while the commands are in flight.
      const socket = new FakeSocket();
      const moved = new ChargerSession('CP-XGW', '127.0.0.1', socket as unknown as WebSocket, router, limits);
      moved.start();
      await other.add(moved);
      const more = Array.from({ length: 10 }, () => command('CP-XGW'));
      const replies = await Promise.all([...sent, ...more]);
      const received = onThis.socket.calls.length + socket.calls.length;
      const ok = replies.filter((r) => r.status === 'ok').length;
      const unknown = replies.filter((r) => r.status === 'connection-lost' || r.status === 'timeout').length;
      expect(replies.filter((r) => !['ok', 'connection-lost', 'timeout'].includes(r.status))).toEqual([]);
      expect(received).toBeGreaterThanOrEqual(ok);
      expect(received).toBeLessThanOrEqual(ok + unknown);
      // The first gateway lets go (on NATS when it hears of the newer connection; the in-process bus has one
      // gateway and does not carry that event to subscribers): then everything goes to the other one.
      onThis.socket.close(1000, 'replaced by a newer connection');
      while (onThis.socket.readyState !== 3) await new Promise((r) => setTimeout(r, 5));
      await registry.settled();
      const before = socket.calls.length;
      expect((await command('CP-XGW')).status).toBe('ok');
      expect(socket.calls.length).toBe(before + 1);
      expect(bus.live.get(subjects.command('CP-XGW'))).toBe(1);
    } finally {
      await other.stop();
    }
  });
  test("an older socket's connection event of this gateway, heard late, never closes the socket that replaced it", async () => {
    const older = connect('CP-TIE');
    await older.added;
    const newer = connect('CP-TIE');
    await newer.added;
    await quiet([older.socket, newer.socket]);
    expect(registry.get('CP-TIE')).toBe(newer.session);
    // What NATS carries to every gateway: the older socket's event, with the newer one's time and a session id that
    // would win the tie between two gateways.
    await inner.publish(subjects.connection('CP-TIE'), {
      chargerId: 'CP-TIE',
      gatewayId: 'gw-test',
      sessionId: 'z'.repeat(36),
      at: new Date(newer.session.connectedAtMs).toISOString(),
      state: 'connected',
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(newer.socket.readyState).toBe(1);
    expect(registry.get('CP-TIE')).toBe(newer.session);
    newer.socket.close();
    await quiet([newer.socket]);
  });

  test('last-seen reports: only chargers heard from since their last report, at most SEEN_BATCH_MAX a message', async () => {
    const batches: SeenBatch[] = [];
    const sub = await inner.subscribe<SeenBatch>(subjects.seen, (batch) => void batches.push(batch));
    const n = 2 * SEEN_BATCH_MAX + 100;
    const all = Array.from({ length: n }, (_, i) => connect(`CP-SEEN-${i}`));
    await Promise.all(all.map((c) => c.added));
    const reported = async (): Promise<SeenBatch[]> => {
      batches.length = 0;
      await registry.reportSeen();
      await new Promise((r) => setTimeout(r, 20)); // the in-process bus delivers on a later turn
      return [...batches];
    };

    const first = await reported();
    expect(first.map((b) => Object.keys(b.seen).length)).toEqual([SEEN_BATCH_MAX, SEEN_BATCH_MAX, 100]);
    expect(new Set(first.flatMap((b) => Object.keys(b.seen))).size).toBe(n);
    expect(first.every((b) => b.gatewayId === 'gw-test')).toBe(true);

    // Nothing heard since: nothing sent.
    expect(await reported()).toEqual([]);

    // One charger answers a ping: only it is reported, with the time it was heard.
    await new Promise((r) => setTimeout(r, 5));
    const before = Date.now();
    all[7].socket.emit('pong');
    const again = await reported();
    expect(again.map((b) => Object.keys(b.seen))).toEqual([['CP-SEEN-7']]);
    expect(Date.parse(again[0].seen['CP-SEEN-7'])).toBeGreaterThanOrEqual(before);
    await sub.unsubscribe();
    for (const c of all) c.socket.close();
    await quiet(all.map((c) => c.socket));
  });
});
