import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { waitFor } from './wait-for.js';

/** Keeps the start-up warnings instead of printing them. */
class RecordingLogger extends Logger {
  readonly warnings: string[] = [];
  override warn(message: unknown): void {
    this.warnings.push(String(message));
  }
}

/** An attempt that fails `failures` times (recording when each attempt ran), then resolves `value`. */
function flaky<T>(failures: number, value: T, error: (n: number) => Error = (n) => new Error(`refused ${n}`)) {
  const at: number[] = [];
  const attempt = async (): Promise<T> => {
    at.push(Date.now());
    if (at.length <= failures) throw error(at.length);
    return value;
  };
  return { attempt, at };
}

describe('waitFor', () => {
  beforeEach(() => jest.useFakeTimers({ now: 0 }));
  afterEach(() => jest.useRealTimers());

  test('an attempt that succeeds at once is returned without waiting or warning', async () => {
    const log = new RecordingLogger();
    await expect(waitFor('NATS', async () => 42, { log })).resolves.toBe(42);
    expect(log.warnings).toEqual([]);
  });

  test('retries with a doubling back-off from 250 ms capped at 5 s, one warning per failed attempt, then returns the value', async () => {
    const log = new RecordingLogger();
    const { attempt, at } = flaky(7, 'connected');
    const result = waitFor('NATS at nats://x:4222', attempt, { log, maxWaitMs: 600_000 });
    await jest.runAllTimersAsync();
    await expect(result).resolves.toBe('connected');
    const gaps = at.slice(1).map((t, i) => t - at[i]);
    expect(gaps).toEqual([250, 500, 1000, 2000, 4000, 5000, 5000]);
    expect(log.warnings).toHaveLength(7);
    expect(log.warnings[0]).toBe('waiting for NATS at nats://x:4222 (attempt 1, next in 250 ms): refused 1');
    expect(log.warnings[6]).toBe('waiting for NATS at nats://x:4222 (attempt 7, next in 5000 ms): refused 7');
  });

  test('gives up when the next wait would pass maxWaitMs, naming what it waited for, the attempts and the last error as cause', async () => {
    const log = new RecordingLogger();
    const { attempt, at } = flaky(Infinity, 'never');
    const result = waitFor('database postgres://db/csms', attempt, { log, maxWaitMs: 2_000 });
    const settled = result.catch((err: unknown) => err);
    await jest.runAllTimersAsync();
    const err = (await settled) as Error;
    // Attempts at 0, 250, 750 and 1750 ms; the next wait (1000 ms more) would end past 2000 ms.
    expect(at).toEqual([0, 250, 750, 1750]);
    expect(err).toBeInstanceOf(Error);
    expect(err.message).toBe('database postgres://db/csms: still failing after 4 attempts: refused 4');
    expect(err.cause).toBeInstanceOf(Error);
    expect((err.cause as Error).message).toBe('refused 4');
    expect(log.warnings).toHaveLength(3);
  });

  test('a permanent refusal (no retry can change it) is thrown at once, unchanged', async () => {
    const log = new RecordingLogger();
    const refusal = Object.assign(new Error('Authorization Violation'), { permanent: true });
    const { attempt, at } = flaky(Infinity, 'never', () => refusal);
    await expect(waitFor('NATS', attempt, { log })).rejects.toBe(refusal);
    expect(at).toHaveLength(1);
    expect(log.warnings).toEqual([]);
  });

  test('a thrown non-Error is reported by its text', async () => {
    const log = new RecordingLogger();
    let n = 0;
    const result = waitFor(
      'thing',
      async () => {
        if (n++ === 0) throw 'plain string'; // what a careless driver might throw
        return 'ok';
      },
      { log },
    );
    await jest.runAllTimersAsync();
    await expect(result).resolves.toBe('ok');
    expect(log.warnings).toEqual(['waiting for thing (attempt 1, next in 250 ms): plain string']);
  });
});
