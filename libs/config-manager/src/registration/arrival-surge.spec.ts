import { ArrivalSurge } from './arrival-surge.js';

describe('ArrivalSurge', () => {
  let now = 1_000_000;
  const clock = (): number => now;

  test('counts the arrivals of the last second only', () => {
    const s = new ArrivalSurge({ ratePerS: 5, maxDeferMs: 1_000, now: clock });
    s.note(3);
    now += 500;
    s.note(2);
    expect(s.rate()).toBe(5);
    expect(s.surging()).toBe(true);
    now += 600; // the first three are older than a second now
    expect(s.rate()).toBe(2);
    expect(s.surging()).toBe(false);
    now += 10_000; // a slot reused much later does not add its old count
    s.note();
    expect(s.rate()).toBe(1);
  });

  test('arrivals count by when they happened: a backlog read late is not a surge', () => {
    const s = new ArrivalSurge({ ratePerS: 5, maxDeferMs: 1_000, now: clock });
    s.note(100, now - 5_000); // connection events of a storm that ended seconds ago
    expect(s.rate()).toBe(0);
    s.note(3, now - 500);
    s.note(3, now + 60_000); // a clock ahead counts as now
    expect(s.rate()).toBe(6);
    now += 600; // the first three were 1.1 s ago
    expect(s.rate()).toBe(3);
  });

  test('no surge: a follow-up goes at once; past its limit it goes even in a surge', async () => {
    const s = new ArrivalSurge({ ratePerS: 5, maxDeferMs: 1_000, now: clock });
    await expect(s.settled(now)).resolves.toBe(true);
    s.note(10);
    await expect(s.settled(now - 1_000)).resolves.toBe(true);
    expect(s.waiting).toBe(0);
  });

  test('waiters of a surge are released together when it ends; stop() drops the rest', async () => {
    const s = new ArrivalSurge({ ratePerS: 5, maxDeferMs: 60_000, pollMs: 5, now: clock });
    s.note(10);
    const order: string[] = [];
    const a = s.settled(now).then((go) => order.push(`a:${go}`));
    const b = s.settled(now).then((go) => order.push(`b:${go}`));
    expect(s.waiting).toBe(2);
    await new Promise((r) => setTimeout(r, 20));
    expect(order).toEqual([]); // still surging: the clock has not moved
    now += 1_100;
    await Promise.all([a, b]);
    expect(order).toEqual(['a:true', 'b:true']);

    s.note(10);
    const c = s.settled(now);
    s.stop();
    await expect(c).resolves.toBe(false);
    await expect(s.settled(now)).resolves.toBe(false);
  });

  test('after a surge the waiters go in slices of releasePerPoll, oldest first', async () => {
    const s = new ArrivalSurge({ ratePerS: 5, maxDeferMs: 60_000, pollMs: 50, releasePerPoll: 2, now: clock });
    s.note(10);
    const released: number[] = [];
    const all = [0, 1, 2, 3, 4].map((i) => s.settled(now).then(() => released.push(i)));
    now += 1_100; // the surge is over
    // Read right after the first poll (the check phase of its turn), not after a fixed sleep: a loaded machine can
    // run two 5 ms polls inside a 7 ms sleep, which is what this once saw.
    while (released.length === 0) await new Promise((r) => setImmediate(r));
    expect(released).toEqual([0, 1]);
    await Promise.all(all);
    expect(released).toEqual([0, 1, 2, 3, 4]);
  });

  test('refuses a rate that is not positive', () => {
    expect(() => new ArrivalSurge({ ratePerS: 0, maxDeferMs: 1 })).toThrow(/ratePerS/);
  });
});
