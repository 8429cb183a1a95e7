/**
 * Stream management (info, add, update) during a JetStream leader election answers with a timeout,
 * "no responders" or 503 "JetStream system temporarily unavailable" (API code 10008) for a few
 * seconds; a service starting then (a rolling update, a NATS pod rescheduled) waits it out instead
 * of failing its start-up (docs/reference/design-decisions.md#stream-replicas).
 */
import { JetStreamApiError } from '@nats-io/jetstream';
import { NoRespondersError, RequestError, TimeoutError } from '@nats-io/nats-core';

/** JetStream's "temporarily unavailable" API error (no meta or stream leader yet). */
const JETSTREAM_TEMPORARILY_UNAVAILABLE = 10008;

export function isTransientJetStreamError(err: unknown): boolean {
  if (err instanceof TimeoutError || err instanceof NoRespondersError) return true;
  if (err instanceof RequestError && err.isNoResponders()) return true;
  if (err instanceof JetStreamApiError) return err.code === JETSTREAM_TEMPORARILY_UNAVAILABLE || err.status === 503;
  if (err instanceof Error && err.cause !== undefined && err.cause !== err) return isTransientJetStreamError(err.cause);
  return false;
}

export interface TransientRetryOptions {
  /** Total time to keep retrying before the last error is thrown. */
  deadlineMs: number;
  /** Told before each retry (for a log line). */
  onRetry?: (err: unknown, attempt: number) => void;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export async function retryTransient<T>(op: () => Promise<T>, options: TransientRetryOptions): Promise<T> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const deadline = now() + options.deadlineMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await op();
    } catch (err) {
      const wait = Math.min(250 * 2 ** (attempt - 1), 2_000);
      if (!isTransientJetStreamError(err) || now() + wait >= deadline) throw err;
      options.onRetry?.(err, attempt);
      await sleep(wait);
    }
  }
}
