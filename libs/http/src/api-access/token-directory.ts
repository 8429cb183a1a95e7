import { type Bus } from '#csms/bus';
import { call } from '../call-service.js';
import type { Role } from './roles.js';
import * as auth from '#csms/auth/verbs';

/** An API token as the directory knows it (never the token itself). */
export interface KnownApiToken {
  id: string;
  name: string;
  role: Role;
}

/** Where the API looks up the tokens it is shown (by hash). */
export interface ApiTokenDirectory {
  lookup(tokenHash: string): Promise<KnownApiToken | undefined>;
  /** Drop cached answers (after a revocation on this replica). */
  forgetAll(): void;
}

export const API_TOKEN_DIRECTORY = Symbol.for('csms.api-token-directory');

export interface CachedDirectoryOptions {
  /** How long a known token is trusted without asking again: also how late a revocation reaches other replicas. */
  knownTtlMs?: number;
  /** How long an unknown token stays unknown (a token just made on another replica waits this long at most). */
  unknownTtlMs?: number;
  maxEntries?: number;
  now?: () => number;
}

/**
 * The tokens live with the auth service (the gateway has no database, docs/reference/design-decisions.md#persistence); the gateway
 * asks it over the bus (`api.auth.verifyApiToken`) and keeps each answer briefly, so a dashboard's requests
 * do not cost a bus round trip each, and a revoked token stops working within `knownTtlMs` everywhere.
 */
export class BusApiTokenDirectory implements ApiTokenDirectory {
  private readonly cache = new Map<string, { token: KnownApiToken | undefined; until: number }>();
  private readonly knownTtlMs: number;
  private readonly unknownTtlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(
    private readonly bus: Bus,
    options: CachedDirectoryOptions = {},
  ) {
    this.knownTtlMs = options.knownTtlMs ?? 10_000;
    this.unknownTtlMs = options.unknownTtlMs ?? 2_000;
    this.maxEntries = options.maxEntries ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  async lookup(tokenHash: string): Promise<KnownApiToken | undefined> {
    const hit = this.cache.get(tokenHash);
    if (hit && hit.until > this.now()) return hit.token;
    // Throws the 503/504 HttpException of call when auth does not answer: the caller is neither let in nor told the token is bad.
    const token = (await call(this.bus, auth.verifyApiToken, { tokenHash }, 5_000)) ?? undefined;
    this.cache.delete(tokenHash);
    // Oldest first out: a flood of random tokens cannot grow memory.
    if (this.cache.size >= this.maxEntries) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(tokenHash, { token, until: this.now() + (token ? this.knownTtlMs : this.unknownTtlMs) });
    return token;
  }

  forgetAll(): void {
    this.cache.clear();
  }
}
