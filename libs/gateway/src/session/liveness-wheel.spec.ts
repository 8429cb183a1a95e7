import { LivenessWheel, livenessStep, livenessWheelOf, type LivenessMember, type LivenessState } from './liveness-wheel.js';

const INTERVAL = 1_000;

/** A socket on the wheel: records when it was checked, pinged and closed; `pong(at)` is the charger answering. */
class FakeSocket implements LivenessMember {
  readonly state: LivenessState;
  readonly checks: number[] = [];
  readonly pings: number[] = [];
  closedAt: number | null = null;

  constructor(
    connectedAt: number,
    private readonly interval = INTERVAL,
  ) {
    this.state = { lastAlive: connectedAt, lastPing: 0 };
  }

  pong(at: number): void {
    this.state.lastAlive = at;
  }

  checkLiveness(now: number): number | null {
    this.checks.push(now);
    const { action, nextDue } = livenessStep(this.state, now, this.interval);
    if (action === 'close') {
      this.closedAt = now;
      return null;
    }
    if (action === 'ping') this.pings.push(now);
    return nextDue;
  }
}

/** Drives the wheel tick by tick with its own clock (the wheel's timer is not used). */
function run(wheel: LivenessWheel, from: number, to: number, onTick: (now: number) => void = () => undefined): void {
  for (let now = from; now <= to; now += wheel.tickMs) {
    onTick(now);
    wheel.tick(now);
  }
}

describe('livenessStep (ping after an idle interval, close after two without a pong)', () => {
  it('pings at once, then once per interval, and closes only when nothing was heard for more than two intervals', () => {
    const s: LivenessState = { lastAlive: 10_000, lastPing: 0 };
    expect(livenessStep(s, 10_000, INTERVAL)).toEqual({ action: 'ping', nextDue: 11_000 });
    expect(livenessStep(s, 10_999, INTERVAL)).toEqual({ action: 'none', nextDue: 11_000 });
    expect(livenessStep(s, 11_000, INTERVAL)).toEqual({ action: 'ping', nextDue: 12_000 });
    expect(livenessStep(s, 12_000, INTERVAL)).toEqual({ action: 'ping', nextDue: 12_001 });
    expect(livenessStep(s, 12_001, INTERVAL).action).toBe('close');
  });

  it('a pong moves the close deadline', () => {
    const s: LivenessState = { lastAlive: 11_500, lastPing: 11_000 };
    expect(livenessStep(s, 12_000, INTERVAL)).toEqual({ action: 'ping', nextDue: 13_000 });
    expect(livenessStep(s, 13_000, INTERVAL)).toEqual({ action: 'ping', nextDue: 13_501 });
    expect(livenessStep(s, 13_501, INTERVAL).action).toBe('close');
  });
});

describe('LivenessWheel', () => {
  const T0 = 1_000_000;
  /** A socket added with `due` T0 is first checked at the next tick (a 60th of the interval, at least 25 ms). */
  const FIRST = T0 + 25;

  it('checks each socket about once per interval, not once per tick, and keeps pinging a socket that answers', () => {
    const wheel = new LivenessWheel(INTERVAL, () => T0);
    const sockets = Array.from({ length: 50 }, () => new FakeSocket(T0));
    for (const s of sockets) wheel.add(s, T0);
    // Each socket answers every ping at once.
    run(wheel, T0, T0 + 10 * INTERVAL, (now) => sockets.forEach((s) => s.pings.at(-1) === now - wheel.tickMs && s.pong(now)));
    for (const s of sockets) {
      expect(s.closedAt).toBeNull();
      expect(s.pings).toEqual(Array.from({ length: 10 }, (_, i) => FIRST + i * INTERVAL));
      // A pong does not pull a socket forward: one check per interval, where a per-socket timer made four.
      expect(s.checks).toEqual(s.pings);
    }
    expect(wheel.size).toBe(50);
  });

  it('closes a silent socket at the first tick past two intervals, and leaves the others alone', () => {
    const wheel = new LivenessWheel(INTERVAL, () => T0);
    const silent = new FakeSocket(T0);
    const live = new FakeSocket(T0);
    wheel.add(silent, T0);
    wheel.add(live, T0);
    run(wheel, T0, T0 + 5 * INTERVAL, (now) => live.pong(now));
    expect(silent.pings).toEqual([FIRST, FIRST + INTERVAL]);
    // Two intervals after the connect nothing has been heard for exactly two intervals; the next tick closes.
    expect(silent.closedAt).toBe(T0 + 2 * INTERVAL + wheel.tickMs);
    expect(live.closedAt).toBeNull();
    expect(wheel.size).toBe(1);
  });

  it('catches up on ticks the event loop missed: a stall delays the checks, it skips none', () => {
    const wheel = new LivenessWheel(INTERVAL, () => T0);
    const silent = new FakeSocket(T0);
    wheel.add(silent, T0);
    wheel.tick(FIRST);
    expect(silent.pings).toEqual([FIRST]);
    // Nothing runs for five intervals, longer than the ring: one pass then checks the socket.
    wheel.tick(T0 + 5 * INTERVAL);
    expect(silent.closedAt).toBe(T0 + 5 * INTERVAL);
    expect(wheel.size).toBe(0);
  });

  it('runs its timer only while it holds a socket; a removed socket is never checked again', () => {
    const wheel = new LivenessWheel(INTERVAL, () => T0);
    const a = new FakeSocket(T0);
    const b = new FakeSocket(T0);
    expect(wheel.running).toBe(false);
    wheel.add(a, T0);
    wheel.add(b, T0);
    expect(wheel.running).toBe(true);
    wheel.remove(a);
    run(wheel, T0, T0 + INTERVAL / 2);
    expect(a.checks).toEqual([]);
    expect(b.pings).toEqual([FIRST]);
    wheel.remove(b);
    expect(wheel.running).toBe(false);
    expect(wheel.size).toBe(0);
  });

  it('one wheel per gateway: sessions created with the same limits object share it', () => {
    const limits = { pingIntervalMs: 60_000 };
    expect(livenessWheelOf(limits)).toBe(livenessWheelOf(limits));
    expect(livenessWheelOf(limits)).not.toBe(livenessWheelOf({ pingIntervalMs: 60_000 }));
    expect(livenessWheelOf(limits).tickMs).toBe(1_000);
  });

  it('spreads the first pings of sockets that connected together over one interval, and keeps them spread', () => {
    const n = 600;
    let k = 0;
    // Evenly spaced fractions stand in for Math.random: the spec checks the placement, not the generator.
    const wheel = new LivenessWheel(
      60_000,
      () => T0,
      () => (k++ % n) / n,
    );
    const sockets = Array.from({ length: n }, () => new FakeSocket(T0, 60_000));
    for (const s of sockets) wheel.add(s);
    const perTick = new Map<number, number>();
    const count = (now: number): void => {
      const pinged = sockets.filter((s) => s.pings.at(-1) === now).length;
      if (pinged > 0) perTick.set(now, pinged);
    };
    for (let now = T0; now <= T0 + 3 * 60_000; now += wheel.tickMs) {
      sockets.forEach((s) => s.pong(now));
      wheel.tick(now);
      count(now);
    }
    // 600 sockets over 60 ticks: 10 a tick (11 in the first, which also takes those due at once), never the whole
    // fleet in one turn.
    expect(perTick.size).toBe(3 * 60);
    expect(Math.max(...perTick.values())).toBeLessThanOrEqual(11);
    for (const s of sockets) {
      expect(s.pings[0]).toBeGreaterThan(T0);
      expect(s.pings[0]).toBeLessThanOrEqual(T0 + 60_000);
      expect(s.pings.slice(1).map((p, i) => p - s.pings[i])).toEqual([60_000, 60_000]);
      expect(s.closedAt).toBeNull();
    }
  });

  it('a silent socket whose first ping was spread late is still closed at the first tick past two intervals', () => {
    const wheel = new LivenessWheel(
      INTERVAL,
      () => T0,
      () => 0.9,
    );
    const silent = new FakeSocket(T0);
    wheel.add(silent);
    run(wheel, T0, T0 + 4 * INTERVAL);
    expect(silent.pings).toEqual([T0 + 900, T0 + 1_900]);
    expect(silent.closedAt).toBe(T0 + 2 * INTERVAL + wheel.tickMs);
  });
});
