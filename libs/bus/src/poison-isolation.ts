/**
 * Poison isolation, shared by both buses (docs/reference/design-decisions.md#poison-messages): a batch the handler
 * rejects is split in halves,
 * recursively, until each failing message is alone; the others are processed (and acked) at once. A
 * message that failed alone is retried with a back-off and becomes a dead letter once it failed
 * `maxDeliveries` deliveries, but only when the consumer showed it can process other messages since
 * that message first failed: during a database outage every message fails, and none is dead-lettered.
 */
import { errorMessage } from './codec.js';

export const DEFAULT_MAX_DELIVERIES = 5;

/** A consumer that stored nothing and dead-lettered nothing for this long while messages wait is stalled. */
export const CONSUMER_STALL_MS = 120_000;

export interface Delivered {
  seq: number;
  deliveryCount: number;
}

export interface IsolationOutcome<M> {
  /** Processed: ack them. */
  ok: M[];
  /** Failed (or not tried because the whole batch looks like an outage): redeliver after a back-off. */
  retry: Array<{ message: M; error: string }>;
  /** Failed alone `maxDeliveries` times while others went through: dead-letter them, then ack. */
  deadLetter: Array<{ message: M; error: string }>;
}

interface Suspect {
  /** The consumer's tick when the message first failed alone. */
  since: number;
}

/** Bound on remembered suspects (NATS: another replica may settle a message this one saw fail). */
const MAX_SUSPECTS = 10_000;

/**
 * One per consumer (per process). Not shared between consumers: "others went through" is about the
 * same handler.
 */
export class BatchIsolator {
  private tick = 0;
  private lastSuccess = -1;
  /** The last delivery where a message that never failed before failed too: the handler, not a message, is broken. */
  private lastOutage = -1;
  private readonly suspects = new Map<number, Suspect>();

  constructor(readonly maxDeliveries: number = DEFAULT_MAX_DELIVERIES) {}

  /**
   * Hands `batch` to `attempt` (the handler), splitting on failure. The split explores the second half
   * first on even delivery counts, so two poison messages at the head of a batch cannot starve the rest.
   */
  async run<M extends Delivered>(batch: M[], attempt: (part: M[]) => Promise<void>): Promise<IsolationOutcome<M>> {
    const start = ++this.tick;
    const ok: M[] = [];
    const failedAlone: Array<{ message: M; error: string }> = [];
    const untried: M[] = [];
    const reversed = Math.max(...batch.map((m) => m.deliveryCount)) % 2 === 0;
    // stream order: redeliveries interleaved with new messages would otherwise shift which half is which
    const ordered = [...batch].sort((a, b) => a.seq - b.seq);
    let stopped = false;

    const solve = async (part: M[]): Promise<void> => {
      if (stopped) {
        untried.push(...part);
        return;
      }
      try {
        await attempt(part);
        ok.push(...part);
        return;
      } catch (err) {
        if (part.length === 1) {
          failedAlone.push({ message: part[0], error: errorMessage(err) });
          // two messages failed alone and nothing succeeded: likely an outage; try the rest once as one batch
          if (ok.length === 0 && failedAlone.length >= 2) stopped = true;
          return;
        }
      }
      const mid = part.length >>> 1;
      const halves = reversed ? [part.slice(mid), part.slice(0, mid)] : [part.slice(0, mid), part.slice(mid)];
      for (const half of halves) await solve(half);
    };
    await solve(ordered);

    const retry: Array<{ message: M; error: string }> = [];
    if (untried.length > 0) {
      try {
        await attempt(untried);
        ok.push(...untried);
      } catch (err) {
        for (const message of untried) retry.push({ message, error: errorMessage(err) });
      }
    }
    if (ok.length > 0) this.lastSuccess = this.tick;
    const freshFailed = [...failedAlone.map((f) => f.message), ...retry.map((r) => r.message)].some((m) => !this.suspects.has(m.seq));
    if (ok.length === 0 && freshFailed) this.lastOutage = this.tick;
    for (const m of ok) this.suspects.delete(m.seq);

    const deadLetter: Array<{ message: M; error: string }> = [];
    for (const failure of failedAlone) {
      const seq = failure.message.seq;
      let suspect = this.suspects.get(seq);
      if (!suspect) {
        suspect = { since: start };
        this.suspects.set(seq, suspect);
        if (this.suspects.size > MAX_SUSPECTS) this.suspects.delete(this.suspects.keys().next().value as number);
      }
      const othersWentThrough = this.lastSuccess >= suspect.since && this.lastSuccess > this.lastOutage;
      if (failure.message.deliveryCount >= this.maxDeliveries && othersWentThrough) {
        deadLetter.push(failure);
        this.suspects.delete(seq);
      } else {
        retry.push(failure);
      }
    }
    return { ok, retry, deadLetter };
  }

  /** Forget a message settled elsewhere (dead-lettered, or its dead letter could not be stored). */
  forget(seq: number): void {
    this.suspects.delete(seq);
  }
}

/** The ack wait elapsed before the handler settled: the batch is redelivered, as JetStream does. */
export class AckWaitExpiredError extends Error {
  readonly code = 'BUS_ACK_WAIT_EXPIRED';
  constructor(readonly ackWaitMs: number) {
    super(`handler did not settle within the ack wait (${ackWaitMs} ms)`);
    this.name = 'AckWaitExpiredError';
  }
}

/** Runs `work`, rejecting with AckWaitExpiredError after `ackWaitMs` (the work itself is not cancelled). */
export function withinAckWait<T>(work: () => Promise<T>, ackWaitMs: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new AckWaitExpiredError(ackWaitMs)), ackWaitMs);
    Promise.resolve()
      .then(work)
      .then(
        (v) => {
          clearTimeout(timer);
          resolve(v);
        },
        (e: unknown) => {
          clearTimeout(timer);
          reject(e);
        },
      );
  });
}
