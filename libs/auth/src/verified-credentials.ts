import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { BoundedMap } from './bounded-map.js';

/**
 * Remembers which (charger, stored hash, password) triples already passed scrypt in this process, so a
 * reconnect storm does not pay scrypt again: ~30 ms of CPU per verify means 10,000 Basic Auth chargers
 * reconnecting after an outage cost ~300 CPU-seconds before the last one is admitted. The same charger
 * presents the same password every time, so after one verify per charger (per TTL, per replica) a reconnect
 * costs one HMAC.
 *
 * The trade-off: no password is kept, only HMAC-SHA256 of it under a random secret that lives in this
 * process's memory only (never stored or logged), so a leaked database or backup gives nothing new. Someone
 * who can read this process's memory could test guesses at HMAC speed instead of scrypt speed, but such an
 * attacker can read the passwords as they arrive anyway. Generated keys (40 hex digits, 160 bits) are not
 * guessable at any speed. A miss never refuses: the caller falls back to scrypt and its failure path.
 *
 * An entry is tied to the stored hash it was verified against, so a changed credential (rotation promoted,
 * re-registration) misses by itself; `forget` is hygiene only. Bounded like the connect throttle: beyond
 * `maxEntries` the least recently used charger is dropped (Map insertion order, re-inserted on a hit), and an
 * entry older than `ttlMs` (counted from the scrypt verify, not refreshed by hits) is verified again.
 */
export interface VerifiedCredentialsOptions {
  /** 0 disables the cache: `matches` is always false, `remember` does nothing. */
  maxEntries: number;
  ttlMs: number;
  now: () => number;
}

export const DEFAULT_VERIFIED_CREDENTIALS_OPTIONS: Omit<VerifiedCredentialsOptions, 'now'> = {
  maxEntries: 100_000,
  ttlMs: 24 * 3600 * 1000,
};

interface Entry {
  storedHash: string;
  digest: Buffer;
  at: number;
}

export class VerifiedCredentials {
  private readonly secret = randomBytes(32);
  private readonly entries: BoundedMap<Entry>;
  /** One scrypt check per charger at a time; bounded by the chargers connecting right now. */
  private readonly inFlight = new Map<string, { storedHash: string; digest: Buffer; result: Promise<boolean> }>();
  private readonly maxEntries: number;
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor({
    maxEntries = DEFAULT_VERIFIED_CREDENTIALS_OPTIONS.maxEntries,
    ttlMs = DEFAULT_VERIFIED_CREDENTIALS_OPTIONS.ttlMs,
    now = () => Date.now(),
  }: Partial<VerifiedCredentialsOptions> = {}) {
    this.maxEntries = maxEntries;
    this.entries = new BoundedMap(Math.max(0, maxEntries));
    this.ttlMs = ttlMs;
    this.now = now;
  }

  /** True only for a fresh entry verified against this very stored hash with these password bytes. */
  matches(chargerId: string, storedHash: string, password: Uint8Array): boolean {
    if (this.maxEntries <= 0) return false;
    const entry = this.entries.get(chargerId);
    if (!entry) return false;
    if (this.now() - entry.at >= this.ttlMs) {
      this.entries.delete(chargerId);
      return false;
    }
    if (entry.storedHash !== storedHash || !timingSafeEqual(entry.digest, this.digest(password))) return false;
    this.entries.set(chargerId, entry); // most recently used: the last to be dropped
    return true;
  }

  /**
   * The scrypt check with both shortcuts: a remembered password is accepted at once, and a check of the same
   * password against the same hash already running (the charger retried: its upgrade timed out while scrypt
   * queued) is joined rather than started again. Without the second, a cold storm (auth restarted) retries
   * into an ever longer scrypt queue whose answers all come too late. A success is remembered.
   */
  async verify(
    chargerId: string,
    storedHash: string,
    password: Uint8Array,
    scrypt: (password: Uint8Array, storedHash: string) => Promise<boolean>,
  ): Promise<boolean> {
    if (this.matches(chargerId, storedHash, password)) return true;
    const digest = this.digest(password);
    const running = this.inFlight.get(chargerId);
    if (running && running.storedHash === storedHash && timingSafeEqual(running.digest, digest)) return running.result;
    const result = scrypt(password, storedHash);
    const mine = { storedHash, digest, result };
    this.inFlight.set(chargerId, mine);
    try {
      const ok = await result;
      if (ok) this.remember(chargerId, storedHash, password);
      return ok;
    } finally {
      if (this.inFlight.get(chargerId) === mine) this.inFlight.delete(chargerId);
    }
  }

  /** Call only after scrypt verified `password` against `storedHash` (or it was just hashed into it). */
  remember(chargerId: string, storedHash: string, password: Uint8Array): void {
    if (this.maxEntries <= 0) return;
    this.entries.set(chargerId, { storedHash, digest: this.digest(password), at: this.now() });
  }

  forget(chargerId: string): void {
    this.entries.delete(chargerId);
  }

  get size(): number {
    return this.entries.size;
  }

  private digest(password: Uint8Array): Buffer {
    return createHmac('sha256', this.secret).update(password).digest();
  }
}
