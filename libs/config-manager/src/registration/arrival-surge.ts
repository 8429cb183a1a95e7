/**
 * Holds the work that follows a connect or a boot (reconciliation, queued commands, site limits) while chargers
 * arrive faster than a surge's rate, so that a reconnect storm's connects and BootNotifications are answered
 * first. Measured on 2026-11-29 (docs/benchmarks.md#follow-up-work-after-a-storm): with the follow-ups running
 * 1-5 s after each boot, a 10,000-charger storm over 10 s on two cores booted every charger after 21.8-23.8 s;
 * with them waiting here, after 10.4-14.7 s (nine runs). The follow-ups lose nothing by waiting a few seconds, while a
 * charger whose BootNotification is answered late retries and adds to the storm.
 *
 * One per process: it counts what this process sees (its share of the boots and of the connection events), so
 * the rate is per instance, like the work it protects. A wait never outlasts `maxDeferMs` from its event, so a
 * fleet that keeps arriving faster than the rate is still followed up, only later. Waits that end together are
 * released in slices of `releasePerPoll`, oldest first: each slice's reads and writes meet in the same batches
 * (Batcher), and memory is not asked for all of a storm's follow-ups at once.
 */
export interface ArrivalSurgeOptions {
  /** Arrivals (connection events and boots) per second from which follow-ups wait. */
  ratePerS: number;
  /** The longest a follow-up waits, from its connect or boot (ms). */
  maxDeferMs: number;
  /** How often a waiting follow-up looks again (ms). */
  pollMs?: number;
  /**
   * At most this many waiting follow-ups are released per poll (default 1,000: 5,000 a second). Releasing a 10k
   * storm's 30,000 follow-ups in one turn raised the process's RSS after it by about 9 KiB per charger
   * (docs/benchmarks.md#follow-up-work-after-a-storm); the reconciliations they start run 20 at a time anyway.
   */
  releasePerPoll?: number;
  now?: () => number;
}

export const DEFAULT_SURGE_RATE_PER_S = 100;
export const DEFAULT_SURGE_MAX_DEFER_MS = 60_000;

/** Arrivals are counted in buckets of this size over the last second. */
const BUCKET_MS = 100;
const BUCKETS = 1_000 / BUCKET_MS;

interface Waiter {
  until: number;
  resolve: (proceed: boolean) => void;
}

export class ArrivalSurge {
  private readonly counts = new Array<number>(BUCKETS).fill(0);
  /** Bucket number (time / BUCKET_MS) of each slot's count; a slot of an older bucket counts nothing. */
  private readonly slotOf = new Array<number>(BUCKETS).fill(-1);
  private waiters: Waiter[] = [];
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly pollMs: number;
  private readonly releasePerPoll: number;
  private readonly now: () => number;

  constructor(private readonly options: ArrivalSurgeOptions) {
    if (!(options.ratePerS > 0) || !(options.maxDeferMs >= 0)) throw new Error('ArrivalSurge: ratePerS must be > 0 and maxDeferMs >= 0');
    this.pollMs = options.pollMs ?? 200;
    this.releasePerPoll = options.releasePerPoll ?? 1_000;
    this.now = options.now ?? Date.now;
  }

  /**
   * Connection events or boots that happened at `atMs` (default now). Counted by when they happened, not when
   * they were handled: a backlog of connection events read after a storm is not a storm (counted by handling
   * time, the backlog's own reading kept the rate at the threshold and held every round until its limit).
   */
  note(count = 1, atMs = this.now()): void {
    const newest = Math.floor(this.now() / BUCKET_MS);
    const bucket = Math.min(Math.floor(atMs / BUCKET_MS), newest);
    if (newest - bucket >= BUCKETS || count <= 0) return;
    const slot = bucket % BUCKETS;
    if (this.slotOf[slot] !== bucket) {
      this.slotOf[slot] = bucket;
      this.counts[slot] = 0;
    }
    this.counts[slot] += count;
  }

  /** Arrivals in the last second. */
  rate(): number {
    const newest = Math.floor(this.now() / BUCKET_MS);
    let sum = 0;
    for (let i = 0; i < BUCKETS; i++) if (newest - this.slotOf[i] < BUCKETS) sum += this.counts[i];
    return sum;
  }

  surging(): boolean {
    return this.rate() >= this.options.ratePerS;
  }

  /**
   * Resolves true once arrivals are below the rate, or `maxDeferMs` after `sinceMs` (the follow-up's connect or
   * boot), whichever comes first; at once when there is no surge. False after stop(): the follow-up is dropped.
   */
  settled(sinceMs: number): Promise<boolean> {
    if (this.stopped) return Promise.resolve(false);
    const until = sinceMs + this.options.maxDeferMs;
    if (!this.surging() || this.now() >= until) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      this.waiters.push({ until, resolve });
      this.timer ??= setInterval(() => this.poll(), this.pollMs).unref();
    });
  }

  /** Follow-ups waiting now (tests, metrics). */
  get waiting(): number {
    return this.waiters.length;
  }

  stop(): void {
    this.stopped = true;
    this.release(() => true, false);
  }

  private poll(): void {
    const calm = !this.surging();
    const now = this.now();
    this.release((w) => calm || now >= w.until, true, this.releasePerPoll);
  }

  /** Resolves the waiters `which` picks, oldest first, at most `limit` of them; the rest keep waiting. */
  private release(which: (w: Waiter) => boolean, proceed: boolean, limit = Infinity): void {
    const keep: Waiter[] = [];
    let left = limit;
    for (const w of this.waiters) {
      if (left > 0 && which(w)) {
        w.resolve(proceed);
        left--;
      } else keep.push(w);
    }
    this.waiters = keep;
    if (keep.length === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }
}
