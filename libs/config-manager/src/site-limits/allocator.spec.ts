import { allocate, fallbackLimitA, isSelfLimited, type SessionInput } from './allocator.js';

const MIN = 60_000;
const ROTATION = 15 * MIN;
const T0 = Date.parse('2026-11-26T10:00:00Z');

/** A car that started at `startedAt` (minutes after T0) on a 32 A charger. */
const car = (key: string, startedMin: number, extra: Partial<SessionInput> = {}): SessionInput => ({
  key,
  startedAt: T0 + startedMin * MIN,
  maxA: 32,
  ...extra,
});
const offers = (r: ReturnType<typeof allocate>): Record<string, number> => Object.fromEntries(r.allocations.map((a) => [a.key, a.a]));
const sum = (r: ReturnType<typeof allocate>): number => r.allocations.reduce((n, a) => n + a.a, 0);

describe('equal share', () => {
  test('one car gets the whole limit, capped by its charger', () => {
    expect(offers(allocate({ limitA: 25, sessions: [car('A', 0)], now: T0, rotationMs: ROTATION }))).toEqual({ A: 25 });
    expect(offers(allocate({ limitA: 63, sessions: [car('A', 0)], now: T0, rotationMs: ROTATION }))).toEqual({ A: 32 });
  });

  test('the limit is split equally in 0.1 A steps, rounded down, never above the limit', () => {
    const r = allocate({ limitA: 32, sessions: [car('A', 0), car('B', 1), car('C', 2)], now: T0 + 3 * MIN, rotationMs: ROTATION });
    expect(offers(r)).toEqual({ A: 10.6, B: 10.7, C: 10.7 });
    expect(sum(r)).toBeLessThanOrEqual(32);
    const five = allocate({ limitA: 32, sessions: ['A', 'B', 'C', 'D', 'E'].map((k, i) => car(k, i)), now: T0 + 5 * MIN, rotationMs: ROTATION });
    expect(five.allocations.map((a) => a.a)).toEqual([6.4, 6.4, 6.4, 6.4, 6.4]);
    expect(five.allocations.every((a) => a.state === 'charging')).toBe(true);
  });

  test('a charger with a lower maximum gets its maximum and the others share the rest', () => {
    const r = allocate({ limitA: 40, sessions: [car('A', 0, { maxA: 10 }), car('B', 1), car('C', 2)], now: T0, rotationMs: ROTATION });
    expect(offers(r)).toEqual({ A: 10, B: 15, C: 15 });
  });
});

describe('6 A floor and waiting cars', () => {
  test('never below 6 A: with 32 A, five cars charge at 6.4 A and the sixth waits at 0 A', () => {
    const sessions = ['A', 'B', 'C', 'D', 'E', 'F'].map((k, i) => car(k, i));
    const r = allocate({ limitA: 32, sessions, now: T0 + 6 * MIN, rotationMs: ROTATION });
    expect(r.slots).toBe(5);
    expect(offers(r)).toEqual({ A: 6.4, B: 6.4, C: 6.4, D: 6.4, E: 6.4, F: 0 });
    expect(r.allocations.find((a) => a.key === 'F')).toMatchObject({ state: 'waiting', waitingSince: T0 + 6 * MIN });
    expect(r.allocations.filter((a) => a.state === 'charging').every((a) => a.a >= 6)).toBe(true);
  });

  test('a limit below 6 A charges nobody', () => {
    const r = allocate({ limitA: 5, sessions: [car('A', 0)], now: T0, rotationMs: ROTATION });
    expect(r.allocations).toEqual([expect.objectContaining({ key: 'A', a: 0, state: 'waiting' })]);
    expect(r.nextRotationAt).toBeUndefined();
  });

  test('a car charging keeps its place against a newcomer while its turn lasts', () => {
    const sessions = [car('A', 0, { runningSince: T0 }), car('B', 1, { runningSince: T0 + MIN }), car('C', 2)];
    const r = allocate({ limitA: 12, sessions, now: T0 + 2 * MIN, rotationMs: ROTATION });
    expect(offers(r)).toEqual({ A: 6, B: 6, C: 0 });
    expect(r.nextRotationAt).toBe(T0 + ROTATION);
  });

  test('the limit lowered: the cars that charged longest wait first', () => {
    const sessions = [car('A', 0, { runningSince: T0 }), car('B', 1, { runningSince: T0 + MIN }), car('C', 2, { runningSince: T0 + 2 * MIN })];
    expect(offers(allocate({ limitA: 12, sessions, now: T0 + 3 * MIN, rotationMs: ROTATION }))).toEqual({ A: 0, B: 6, C: 6 });
  });
});

describe('fair rotation', () => {
  /** Runs allocations at `times`, feeding each the state the previous one returned (as the engine stores it). */
  const run = (limitA: number, start: SessionInput[], times: number[]) => {
    let sessions = start;
    return times.map((now) => {
      const r = allocate({ limitA, sessions, now, rotationMs: ROTATION });
      sessions = sessions.map((s) => {
        const a = r.allocations.find((x) => x.key === s.key)!;
        return { ...s, runningSince: a.runningSince, waitingSince: a.waitingSince, turns: a.turns };
      });
      return r;
    });
  };
  const waitingOf = (r: ReturnType<typeof allocate>): string[] => r.allocations.filter((a) => a.state === 'waiting').map((a) => a.key);

  test('after its turn a charging car gives its place to the car that waited longest', () => {
    const sessions = [
      car('A', 0, { runningSince: T0 }),
      car('B', 1, { runningSince: T0 + MIN }),
      car('C', 2, { waitingSince: T0 + 2 * MIN }),
      car('D', 3, { waitingSince: T0 + 3 * MIN }),
    ];
    const r = allocate({ limitA: 12, sessions, now: T0 + ROTATION, rotationMs: ROTATION });
    expect(offers(r)).toEqual({ A: 0, B: 6, C: 6, D: 0 });
    expect(r.allocations.find((a) => a.key === 'A')).toMatchObject({ state: 'waiting', waitingSince: T0 + ROTATION });
    expect(r.allocations.find((a) => a.key === 'C')).toMatchObject({ state: 'charging', runningSince: T0 + ROTATION });
  });

  test('over many rounds the turns stay even: after every round no car has had two turns more than another', () => {
    const keys = ['A', 'B', 'C', 'D', 'E', 'F', 'G'];
    const rounds = Array.from({ length: 14 }, (_, round) => T0 + round * ROTATION);
    const results = run(
      18,
      keys.map((k) => car(k, 0)),
      rounds,
    );
    for (const r of results) {
      expect(r.allocations.filter((a) => a.state === 'charging')).toHaveLength(3);
      const turns = r.allocations.map((a) => a.turns);
      expect(Math.max(...turns) - Math.min(...turns)).toBeLessThanOrEqual(1);
    }
    // 14 rounds x 3 places = 42 turns: 6 each.
    expect(results.at(-1)!.allocations.map((a) => a.turns)).toEqual([6, 6, 6, 6, 6, 6, 6]);
  });

  test('two cars past their turn and one waiting: the car rotated out waits for the next turn to end, it does not swap back', () => {
    const R1 = T0 + 2 * ROTATION;
    const start = [car('A', 0, { runningSince: T0, turns: 1 }), car('B', 0, { runningSince: T0 + MIN, turns: 1 }), car('C', 1, { waitingSince: T0 + MIN })];
    const [first, second, third, turnEnd, after] = run(12, start, [R1, R1 + 5_000, R1 + 60_000, R1 + ROTATION, R1 + ROTATION + 5_000]);
    // A charged longest: it gives its place to C. B, also past its turn, keeps charging: nobody else waited before its turn ended.
    expect(waitingOf(first)).toEqual(['A']);
    expect(first.nextRotationAt).toBe(R1 + ROTATION);
    // Before this change A took B's place again at the next allocation (waiting: A, then B, B, B).
    expect(waitingOf(second)).toEqual(['A']);
    expect(waitingOf(third)).toEqual(['A']);
    expect(second.nextRotationAt).toBe(R1 + ROTATION);
    // C's turn ends: A comes back, in place of B, the car that charged longest.
    expect(waitingOf(turnEnd)).toEqual(['B']);
    expect(turnEnd.allocations.find((a) => a.key === 'A')).toMatchObject({ state: 'charging', runningSince: R1 + ROTATION, turns: 2 });
    expect(waitingOf(after)).toEqual(['B']);
  });

  test('checked every 5 s: every change happens when a turn ends, one car out and one in, and the turns stay even', () => {
    const times = Array.from({ length: (6 * ROTATION) / 5_000 + 1 }, (_, i) => T0 + i * 5_000);
    const results = run(12, [car('A', 0), car('B', 0), car('C', 0)], times);
    let before = results[0]!;
    results.slice(1).forEach((r, i) => {
      const now = times[i + 1]!;
      const out = waitingOf(r).filter((k) => !waitingOf(before).includes(k));
      const back = waitingOf(before).filter((k) => !waitingOf(r).includes(k));
      if (out.length > 0 || back.length > 0) {
        expect({ at: (now - T0) % ROTATION, out: out.length, back: back.length }).toEqual({ at: 0, out: 1, back: 1 });
      }
      expect(r.nextRotationAt).toBeGreaterThan(now);
      before = r;
    });
    // Two places at the start and one swap at each of the six turn ends: 8 turns, none more than one ahead of another.
    const turns = results.at(-1)!.allocations.map((a) => a.turns);
    expect(turns.reduce((n, t) => n + t, 0)).toBe(8);
    expect(Math.max(...turns) - Math.min(...turns)).toBeLessThanOrEqual(1);
  });

  test('a car that has not charged yet takes the place of a car past its turn at once', () => {
    const start = [car('A', 0, { runningSince: T0, turns: 1 }), car('B', 0, { runningSince: T0 + MIN, turns: 1 })];
    const [r] = run(12, [...start, car('N', 60)], [T0 + 60 * MIN]);
    expect(offers(r!)).toEqual({ A: 0, B: 6, N: 6 });
  });

  test('the limit lowered while every car is past its turn: the car sent to wait comes back after one rotation', () => {
    const start = ['A', 'B', 'C'].map((k, i) => car(k, 0, { runningSince: T0 + i * MIN, turns: 1 }));
    const lowered = T0 + 60 * MIN;
    const [first, soon, rotation] = run(12, start, [lowered, lowered + 5_000, lowered + ROTATION]);
    expect(waitingOf(first!)).toEqual(['A']);
    expect(first!.nextRotationAt).toBe(lowered + ROTATION);
    expect(waitingOf(soon!)).toEqual(['A']);
    // No turn ends after A began waiting (B and C were past theirs): A takes B's place once it has waited a whole turn.
    expect(waitingOf(rotation!)).toEqual(['B']);
  });

  test('nobody waits: nobody is rotated out, however long it charges', () => {
    const sessions = [car('A', 0, { runningSince: T0 }), car('B', 0, { runningSince: T0 })];
    const r = allocate({ limitA: 32, sessions, now: T0 + 10 * ROTATION, rotationMs: ROTATION });
    expect(offers(r)).toEqual({ A: 16, B: 16 });
    expect(r.nextRotationAt).toBeUndefined();
  });
});

describe('redistribution of the unused share', () => {
  const offered = (a: number, atMin: number) => ({ a, at: T0 + atMin * MIN });
  const measured = (a: number, atMin: number) => ({ a, at: T0 + atMin * MIN });

  test('a car drawing clearly less than offered is offered its draw plus headroom; the others share what it leaves', () => {
    const sessions = [
      car('A', 0, { runningSince: T0, offered: offered(16, 1), measured: measured(4.2, 2) }),
      car('B', 0, { runningSince: T0, offered: offered(16, 1), measured: measured(15.9, 2) }),
    ];
    const r = allocate({ limitA: 32, sessions, now: T0 + 3 * MIN, rotationMs: ROTATION });
    expect(offers(r)).toEqual({ A: 8, B: 24 });
    expect(r.allocations.find((a) => a.key === 'A')?.selfLimited).toBe(true);
  });

  test('stable: the next reading at the lower offer keeps the same split (no flapping)', () => {
    const sessions = [
      car('A', 0, { runningSince: T0, offered: offered(8, 3), measured: measured(4.2, 4) }),
      car('B', 0, { runningSince: T0, offered: offered(24, 3), measured: measured(23.8, 4) }),
    ];
    expect(offers(allocate({ limitA: 32, sessions, now: T0 + 5 * MIN, rotationMs: ROTATION }))).toEqual({ A: 8, B: 24 });
  });

  test('stable right after the cut: the offer was lowered, not raised, so the reading from before it still counts', () => {
    // A was cut from 16 A to 8 A at minute 3 (its offer last rose at minute 1); no reading since the cut yet.
    const sessions = [
      car('A', 0, { runningSince: T0, offered: offered(8, 1), measured: measured(4.2, 2) }),
      car('B', 0, { runningSince: T0, offered: offered(24, 3), measured: measured(15.9, 2) }),
    ];
    expect(offers(allocate({ limitA: 32, sessions, now: T0 + 3 * MIN, rotationMs: ROTATION, settleMs: 5_000 }))).toEqual({ A: 8, B: 24 });
  });

  test('a car that takes what it was offered gets its equal share back', () => {
    const sessions = [
      car('A', 0, { runningSince: T0, offered: offered(8, 3), measured: measured(7.9, 4) }),
      car('B', 0, { runningSince: T0, offered: offered(24, 3), measured: measured(23.8, 4) }),
    ];
    expect(offers(allocate({ limitA: 32, sessions, now: T0 + 5 * MIN, rotationMs: ROTATION }))).toEqual({ A: 16, B: 16 });
  });

  test('a reading older than the last raise of the offer (or inside the settle time) says nothing about it', () => {
    const stale = car('A', 0, { runningSince: T0, offered: offered(16, 2), measured: measured(6, 1) });
    expect(isSelfLimited(stale, 0)).toBe(false);
    const settling = car('A', 0, { runningSince: T0, offered: offered(16, 2), measured: { a: 4, at: T0 + 2 * MIN + 1_000 } });
    expect(isSelfLimited(settling, 5_000)).toBe(false);
    expect(isSelfLimited(settling, 0)).toBe(true);
  });

  test('a self-limited car is never offered below 6 A, and a waiting car is never self-limited', () => {
    const sessions = [
      car('A', 0, { runningSince: T0, offered: offered(10.6, 1), measured: measured(0.5, 2) }),
      car('B', 0, { runningSince: T0, offered: offered(10.6, 1), measured: measured(10.5, 2) }),
      car('C', 0, { runningSince: T0, offered: offered(10.8, 1), measured: measured(10.7, 2) }),
    ];
    const r = allocate({ limitA: 32, sessions, now: T0 + 3 * MIN, rotationMs: ROTATION });
    expect(offers(r)).toEqual({ A: 6, B: 13, C: 13 });
    expect(sum(r)).toBeLessThanOrEqual(32);
  });
});

describe('fallback TxDefaultProfile', () => {
  test('the limit over every member in whole amperes, 0 when below 6 A', () => {
    expect(fallbackLimitA(32, 1)).toBe(32);
    expect(fallbackLimitA(32, 3)).toBe(10);
    expect(fallbackLimitA(32, 5)).toBe(6);
    expect(fallbackLimitA(32, 6)).toBe(0);
    expect(fallbackLimitA(32, 0)).toBe(0);
    expect(fallbackLimitA(5, 1)).toBe(0);
  });
});
