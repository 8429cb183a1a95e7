import { JetStreamApiError } from '@nats-io/jetstream';
import { NoRespondersError, RequestError, TimeoutError } from '@nats-io/nats-core';
import { isTransientJetStreamError, retryTransient } from './jetstream-retry.js';

const apiError = (code: number, err_code: number, description: string): JetStreamApiError => new JetStreamApiError({ code, err_code, description });

describe('isTransientJetStreamError', () => {
  test('a timeout, no responders and JetStream temporarily unavailable are transient', () => {
    expect(isTransientJetStreamError(new TimeoutError())).toBe(true);
    expect(isTransientJetStreamError(new RequestError('no responders', { cause: new NoRespondersError('$JS.API.STREAM.INFO.X') }))).toBe(true);
    expect(isTransientJetStreamError(apiError(503, 10008, 'JetStream system temporarily unavailable'))).toBe(true);
    expect(isTransientJetStreamError(new Error('wrapped', { cause: new TimeoutError() }))).toBe(true);
  });

  test('a refused configuration or a missing stream is not', () => {
    expect(isTransientJetStreamError(apiError(404, 10059, 'stream not found'))).toBe(false);
    expect(isTransientJetStreamError(apiError(500, 10074, 'replicas > 1 not supported in non-clustered mode'))).toBe(false);
    expect(isTransientJetStreamError(new Error('bad'))).toBe(false);
    expect(isTransientJetStreamError('timeout')).toBe(false);
  });
});

describe('retryTransient', () => {
  const clock = (): { now: () => number; sleep: (ms: number) => Promise<void>; slept: number[] } => {
    let t = 0;
    const slept: number[] = [];
    return {
      now: () => t,
      sleep: async (ms) => {
        slept.push(ms);
        t += ms;
      },
      slept,
    };
  };

  test('retries transient failures with growing waits until the operation succeeds', async () => {
    const c = clock();
    let calls = 0;
    const retried: number[] = [];
    const value = await retryTransient(
      async () => {
        if (++calls < 4) throw new TimeoutError();
        return 'ok';
      },
      { deadlineMs: 30_000, now: c.now, sleep: c.sleep, onRetry: (_e, attempt) => retried.push(attempt) },
    );
    expect(value).toBe('ok');
    expect(calls).toBe(4);
    expect(c.slept).toEqual([250, 500, 1_000]);
    expect(retried).toEqual([1, 2, 3]);
  });

  test('throws a permanent error at once', async () => {
    const c = clock();
    const refused = apiError(500, 10074, 'replicas > 1 not supported');
    await expect(retryTransient(() => Promise.reject(refused), { deadlineMs: 30_000, now: c.now, sleep: c.sleep })).rejects.toBe(refused);
    expect(c.slept).toEqual([]);
  });

  test('throws the last transient error once the deadline would pass', async () => {
    const c = clock();
    let calls = 0;
    await expect(
      retryTransient(
        () => {
          calls++;
          return Promise.reject(new TimeoutError());
        },
        { deadlineMs: 5_000, now: c.now, sleep: c.sleep },
      ),
    ).rejects.toBeInstanceOf(TimeoutError);
    expect(c.slept.reduce((a, b) => a + b, 0)).toBeLessThan(5_000);
    expect(calls).toBe(c.slept.length + 1);
  });
});
