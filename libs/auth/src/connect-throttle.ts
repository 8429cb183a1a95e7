import { Inject, Injectable, Optional } from '@nestjs/common';
import type { AppConfig } from '#csms/config';
import { BoundedMap } from './bounded-map.js';

/**
 * Slows down password guessing at the WebSocket upgrade (docs/reference/design-decisions.md#charger-authentication)
 * without letting one broken charger or an
 * outsider keep good chargers offline (docs/reference/design-decisions.md#connect-throttling). Three counters, each over `windowMs`:
 *
 * - per (address, identity): `pairMaxFailures` failures block that identity from that address. This is what
 *   stops a broken charger (wrong key after a botched rotation) and a guesser working on one charger.
 * - per identity, from all addresses: `identityMaxFailures` failures block the identity, but ONLY from the
 *   addresses that themselves failed for it within the window. An outsider who knows a charger's id and fails
 *   logins for it from elsewhere slows down his own addresses, not the charger's: it connects from an address
 *   that did not fail for it. Chosen over "exempt the address that last succeeded" because that needs a memory
 *   of successes that each replica and each restart lacks, and breaks for a charger whose address changes
 *   (mobile networks, DHCP); this rule needs neither. The cost: while the identity is over its limit, a
 *   distributed guesser still gets one guess per fresh address (then that address is blocked for it too).
 * - per address, DISTINCT identities: `addressMaxIdentities` different identities failing from one address is
 *   spraying (one broken charger fails with one identity; a NAT'ed site with a few broken chargers fails with a
 *   few), and blocks the address for every identity that has not succeeded from it. Identities that did
 *   succeed from the address (remembered per process, least recently used dropped) keep connecting, so the
 *   good chargers of a NAT'ed site survive even a sprayer behind the same address; they still have their
 *   own per-(address, identity) limit.
 *
 * A block lasts `baseBackoffMs`, doubling with each further failure up to `maxBackoffMs`. While blocked, no
 * password is checked. Kept in memory, per process: with several auth replicas each counts on its own (the
 * queue group spreads attempts), so the effective limits are up to the limits x replicas. Every map holds at
 * most `maxEntries` keys (least recently touched dropped): a flood of made-up identities or addresses cannot
 * grow memory, at worst it makes an old entry forget its failures.
 */
export interface ThrottleOptions extends ConfiguredThrottle {
  maxEntries: number;
}

/** The limits operators set (THROTTLE_*, validated by #csms/config). */
type ConfiguredThrottle = AppConfig['connectThrottle'];

export const DEFAULT_THROTTLE_OPTIONS: ThrottleOptions = {
  pairMaxFailures: 5,
  identityMaxFailures: 20,
  addressMaxIdentities: 20,
  windowMs: 10 * 60_000,
  baseBackoffMs: 1_000,
  maxBackoffMs: 15 * 60_000,
  maxEntries: 100_000,
};

/** The throttle's options in AuthModule (AuthOptions.throttle, UNKNOWN_CHARGERS' slow-down settings). */
export const CONNECT_THROTTLE_OPTIONS = Symbol.for('csms.auth.connect-throttle-options');

/** Which counter refused: the reason given to the charger and recorded in the security event. */
export type ThrottleScope = 'pair' | 'identity' | 'address';

export interface ThrottleVerdict {
  scope: ThrottleScope;
  retryAfterSeconds: number;
}

interface Entry {
  failures: number;
  firstFailureAt: number;
  blockedUntil: number;
  /** Failures since the count reached its limit: the back-off doubles with each. */
  excess: number;
}

interface AddressEntry extends Entry {
  /** 32-bit hashes of the identities that failed (at most addressMaxIdentities kept: bounded memory). */
  identities: Set<number>;
}

/** FNV-1a: identities are kept per address as 4-byte hashes, not strings; a collision only undercounts by one. */
function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

const pairKey = (identity: string, address: string): string => `${address}\n${identity}`;

@Injectable()
export class ConnectThrottle {
  private readonly pairs: BoundedMap<Entry>;
  private readonly identities: BoundedMap<Entry>;
  private readonly addresses: BoundedMap<AddressEntry>;
  /** (address, identity) pairs that logged in successfully: exempt from the address-wide (spraying) block. */
  private readonly succeeded: BoundedMap<true>;
  private readonly options: ThrottleOptions;

  constructor(
    @Optional() @Inject(CONNECT_THROTTLE_OPTIONS) options: Partial<ThrottleOptions> = {},
    @Optional() private readonly now: () => number = Date.now,
  ) {
    this.options = { ...DEFAULT_THROTTLE_OPTIONS, ...options };
    this.pairs = new BoundedMap<Entry>(this.options.maxEntries);
    this.identities = new BoundedMap<Entry>(this.options.maxEntries);
    this.addresses = new BoundedMap<AddressEntry>(this.options.maxEntries);
    this.succeeded = new BoundedMap<true>(this.options.maxEntries);
  }

  /** Why and how long this attempt must wait; undefined when it may go ahead. The longest applicable block wins. */
  check(identity: string, remoteAddress: string): ThrottleVerdict | undefined {
    const t = this.now();
    const key = pairKey(identity, remoteAddress);
    const pair = this.pairs.get(key);
    const candidates: Array<[ThrottleScope, number]> = [];
    if (pair && pair.blockedUntil > t) candidates.push(['pair', pair.blockedUntil]);
    const id = this.identities.get(identity);
    if (id && id.blockedUntil > t && pair && this.live(pair, t)) candidates.push(['identity', id.blockedUntil]);
    const address = this.addresses.get(remoteAddress);
    if (address && address.blockedUntil > t && !this.succeeded.get(key)) candidates.push(['address', address.blockedUntil]);
    if (candidates.length === 0) return undefined;
    const [scope, until] = candidates.reduce((a, b) => (b[1] > a[1] ? b : a));
    return { scope, retryAfterSeconds: Math.max(1, Math.ceil((until - t) / 1000)) };
  }

  recordFailure(identity: string, remoteAddress: string): void {
    const t = this.now();
    this.bump(this.pairs, pairKey(identity, remoteAddress), t, this.options.pairMaxFailures, (e) => e);
    this.bump(this.identities, identity, t, this.options.identityMaxFailures, (e) => e);
    this.bump(
      this.addresses,
      remoteAddress,
      t,
      this.options.addressMaxIdentities,
      (e) => ({ ...e, identities: new Set<number>() }),
      (e) => {
        if (e.identities.size < this.options.addressMaxIdentities) e.identities.add(hash32(identity));
        return e.identities.size;
      },
    );
  }

  /**
   * A good login clears its pair's failures and exempts the pair from the address-wide block. The identity-wide
   * count is kept: a charger reconnecting now and then must not reset an outsider's progress on its id.
   */
  recordSuccess(identity: string, remoteAddress: string): void {
    const key = pairKey(identity, remoteAddress);
    this.pairs.delete(key);
    this.succeeded.set(key, true);
  }

  get trackedKeys(): number {
    return this.pairs.size + this.identities.size + this.addresses.size + this.succeeded.size;
  }

  /** A pair that failed within the window (or is still blocked): the identity-wide block applies to it. */
  private live(e: Entry, t: number): boolean {
    return t - e.firstFailureAt <= this.options.windowMs || e.blockedUntil > t;
  }

  /**
   * Counts one failure on `key` and blocks once the count reaches `limit`. `count` says what is counted
   * (failures, or distinct identities for an address); `fresh` makes a new entry.
   */
  private bump<E extends Entry>(
    map: BoundedMap<E>,
    key: string,
    t: number,
    limit: number,
    fresh: (e: Entry) => E,
    count: (e: E) => number = (e) => e.failures,
  ): void {
    const prev = map.get(key);
    // A window that ran out with no block active starts a fresh count.
    const stale = !prev || (t - prev.firstFailureAt > this.options.windowMs && prev.blockedUntil <= t);
    const entry = stale ? fresh({ failures: 0, firstFailureAt: t, blockedUntil: 0, excess: 0 }) : prev;
    entry.failures += 1;
    if (count(entry) >= limit) {
      const backoff = this.options.baseBackoffMs * 2 ** Math.min(entry.excess, 30);
      entry.excess += 1;
      entry.blockedUntil = t + Math.min(backoff, this.options.maxBackoffMs);
      // Keep the record alive while blocked: the window restarts from the latest failure.
      entry.firstFailureAt = t;
    }
    map.set(key, entry);
  }
}
