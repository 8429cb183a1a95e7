import { jest } from '@jest/globals';
import { PeriodicTask } from './periodic-task.js';

describe('PeriodicTask', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  const deferred = (): { promise: Promise<void>; resolve: () => void } => {
    let resolve!: () => void;
    const promise = new Promise<void>((r) => (resolve = r));
    return { promise, resolve };
  };

  test('runs every interval, and at start when asked', async () => {
    let runs = 0;
    const task = new PeriodicTask('count', 1_000, async () => void runs++, { runAtStart: true });
    task.start();
    await jest.advanceTimersByTimeAsync(0);
    expect(runs).toBe(1);
    await jest.advanceTimersByTimeAsync(3_000);
    expect(runs).toBe(4);
    task.stop();
    await jest.advanceTimersByTimeAsync(5_000);
    expect(runs).toBe(4);
  });

  test('a slow run is not overlapped by the next beat', async () => {
    let started = 0;
    const gate = deferred();
    const task = new PeriodicTask('slow', 1_000, async () => {
      started++;
      await gate.promise;
    });
    task.start();
    await jest.advanceTimersByTimeAsync(5_000);
    expect(started).toBe(1);
    gate.resolve();
    await jest.advanceTimersByTimeAsync(1_000);
    expect(started).toBe(2);
    task.stop();
  });

  test('a failing run is logged and the next one still runs', async () => {
    const warnings: string[] = [];
    let runs = 0;
    const task = new PeriodicTask(
      'flaky sweep',
      1_000,
      async () => {
        if (++runs === 1) throw new Error('database gone');
      },
      { log: { warn: (m: string) => void warnings.push(m) } },
    );
    task.start();
    await jest.advanceTimersByTimeAsync(2_000);
    expect(runs).toBe(2);
    expect(warnings).toEqual(['flaky sweep skipped: database gone']);
    task.stop();
  });

  test('an interval of 0 never schedules; runNow still runs once and never rejects', async () => {
    let runs = 0;
    const task = new PeriodicTask(
      'manual',
      0,
      async () => {
        runs++;
        throw new Error('x');
      },
      { log: { warn: () => undefined } },
    );
    task.start();
    await jest.advanceTimersByTimeAsync(10_000);
    expect(runs).toBe(0);
    await expect(task.runNow()).resolves.toBeUndefined();
    expect(runs).toBe(1);
  });
});
