import { BoundedMap } from './bounded-map.js';

/**
 * Slows down password guessing at the WebSocket upgrade (issue 4 §1): after `maxFailures` failures
 * within `windowMs` for one identity or one remote address, further attempts are answered
 * "throttled" without checking any password, for a back-off that doubles with each further failure.
 *
 * Kept in memory, per process: with several auth replicas each counts on its own, so the effective
 * limit is up to `maxFailures` x replicas (the queue group spreads attempts). The maps are bounded:
 * beyond `maxEntries` keys the oldest-touched key is dropped, so a flood of made-up identities cannot
 * grow memory; at worst it makes an old entry forget its failures.
 */
export interface ThrottleOptions {
  maxFailures: number;
  windowMs: number;
  baseBackoffMs: number;
  maxBackoffMs: number;
  maxEntries: number;
}

export const DEFAULT_THROTTLE_OPTIONS: ThrottleOptions = {
  maxFailures: 5,
  windowMs: 10 * 60_000,
  baseBackoffMs: 1_000,
  maxBackoffMs: 15 * 60_000,
  maxEntries: 100_000,
};

interface Entry {
  failures: number;
  firstFailureAt: number;
  blockedUntil: number;
}


export class ConnectThrottle {
  private readonly byIdentity: BoundedMap<Entry>;
  private readonly byAddress: BoundedMap<Entry>;
  private readonly options: ThrottleOptions;

  constructor(options: Partial<ThrottleOptions> = {}, private readonly now: () => number = Date.now) {
    this.options = { ...DEFAULT_THROTTLE_OPTIONS, ...options };
    this.byIdentity = new BoundedMap<Entry>(this.options.maxEntries);
    this.byAddress = new BoundedMap<Entry>(this.options.maxEntries);
  }

  /** Seconds to wait when the identity or the address is blocked now; undefined when an attempt may go ahead. */
  retryAfterSeconds(identity: string, remoteAddress: string): number | undefined {
    const t = this.now();
    const until = Math.max(this.blockedUntil(this.byIdentity, identity, t), this.blockedUntil(this.byAddress, remoteAddress, t));
    return until > t ? Math.max(1, Math.ceil((until - t) / 1000)) : undefined;
  }

  recordFailure(identity: string, remoteAddress: string): void {
    const t = this.now();
    this.bump(this.byIdentity, identity, t);
    this.bump(this.byAddress, remoteAddress, t);
  }

  /** A good login clears the identity's record; the address keeps its own (it may front many chargers). */
  recordSuccess(identity: string): void {
    this.byIdentity.delete(identity);
  }

  get trackedKeys(): number {
    return this.byIdentity.size + this.byAddress.size;
  }

  private blockedUntil(map: BoundedMap<Entry>, key: string, t: number): number {
    const e = map.get(key);
    return e && e.blockedUntil > t ? e.blockedUntil : 0;
  }

  private bump(map: BoundedMap<Entry>, key: string, t: number): void {
    const prev = map.get(key);
    // A window that ran out with no block active starts a fresh count.
    const fresh = !prev || (t - prev.firstFailureAt > this.options.windowMs && prev.blockedUntil <= t);
    const entry: Entry = fresh ? { failures: 0, firstFailureAt: t, blockedUntil: 0 } : { ...prev };
    entry.failures += 1;
    if (entry.failures >= this.options.maxFailures) {
      const exponent = Math.min(entry.failures - this.options.maxFailures, 30);
      const backoff = Math.min(this.options.baseBackoffMs * 2 ** exponent, this.options.maxBackoffMs);
      entry.blockedUntil = t + backoff;
      // Keep the record alive while blocked: the window restarts from the latest failure.
      entry.firstFailureAt = t;
    }
    map.set(key, entry);
  }
}
