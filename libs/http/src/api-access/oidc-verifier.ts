import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';
import type { ApiCaller } from './caller.js';
import { highestRole } from './roles.js';

export interface OidcOptions {
  issuer: string;
  audience: string;
  /** Claim holding the role; dots reach into objects (`realm_access.roles`). */
  roleClaim: string;
  /** Shortest time between two JWKS fetches for an unknown key id (jose's cooldown; default 30 s). */
  jwksCooldownMs?: number;
  /** How long fetched keys are trusted without a refetch (default 10 min). */
  jwksMaxAgeMs?: number;
  /** After a failed discovery, wait this long before trying again (default 5 s). */
  discoveryRetryMs?: number;
  fetch?: typeof fetch;
}

export type OidcOutcome =
  | { ok: true; caller: ApiCaller }
  /** 401: not a valid token of this issuer for this audience (bad signature, expired, wrong aud...). */
  | { ok: false; status: 401; reason: string }
  /** 403: a valid token whose role claim names no role of ours. */
  | { ok: false; status: 403; reason: string }
  /** 503: the issuer's discovery document or keys could not be fetched. */
  | { ok: false; status: 503; reason: string };

/**
 * Verifies OpenID Connect access tokens (JWTs) offline against the issuer's published keys. The JWKS URL
 * comes from the discovery document (`<issuer>/.well-known/openid-configuration`, OIDC Discovery 1.0 §4);
 * jose's remote key set caches the keys and refetches them when a token names a key id it does not know
 * (key rotation), at most once per cooldown.
 */
export class OidcVerifier {
  private keys?: ReturnType<typeof createRemoteJWKSet>;
  private discovering?: Promise<ReturnType<typeof createRemoteJWKSet>>;
  private retryAt = 0;
  private lastDiscoveryError = '';

  constructor(private readonly options: OidcOptions) {}

  async verify(token: string): Promise<OidcOutcome> {
    let keys: ReturnType<typeof createRemoteJWKSet>;
    try {
      keys = await this.keySet();
    } catch (err) {
      return { ok: false, status: 503, reason: `OIDC issuer ${this.options.issuer} unavailable: ${messageOf(err)}` };
    }
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys, { issuer: this.options.issuer, audience: this.options.audience }));
    } catch (err) {
      // Not a verdict on the token: the key set could not be fetched (network error, timeout).
      if (err instanceof errors.JWKSTimeout || !(err instanceof errors.JOSEError)) {
        return { ok: false, status: 503, reason: `OIDC keys of ${this.options.issuer} unavailable: ${messageOf(err)}` };
      }
      return { ok: false, status: 401, reason: `OIDC token refused: ${describeJoseError(err)}` };
    }
    const claimed = readClaim(payload, this.options.roleClaim);
    const role = highestRole(Array.isArray(claimed) ? claimed : [claimed]);
    const subject = typeof payload.sub === 'string' ? payload.sub : '(no sub)';
    if (!role) return { ok: false, status: 403, reason: `OIDC token of ${subject} has no role in claim ${this.options.roleClaim} (viewer, operator or admin)` };
    const preferred = (payload as { preferred_username?: unknown }).preferred_username;
    return { ok: true, caller: { name: typeof preferred === 'string' ? preferred : subject, role, kind: 'oidc', subject } };
  }

  private keySet(): Promise<ReturnType<typeof createRemoteJWKSet>> {
    if (this.keys) return Promise.resolve(this.keys);
    if (Date.now() < this.retryAt) return Promise.reject(new Error(this.lastDiscoveryError));
    this.discovering ??= this.discover().then(
      (keys) => (this.keys = keys),
      (err: unknown) => {
        this.discovering = undefined;
        this.lastDiscoveryError = messageOf(err);
        this.retryAt = Date.now() + (this.options.discoveryRetryMs ?? 5_000);
        throw err;
      },
    );
    return this.discovering;
  }

  private async discover(): Promise<ReturnType<typeof createRemoteJWKSet>> {
    const url = `${this.options.issuer}/.well-known/openid-configuration`;
    const res = await (this.options.fetch ?? fetch)(url, { signal: AbortSignal.timeout(5_000) });
    if (!res.ok) throw new Error(`${url} answered ${res.status}`);
    const doc = (await res.json()) as { issuer?: unknown; jwks_uri?: unknown };
    // OIDC Discovery §4.3: the document's issuer must be exactly the one it was fetched for.
    if (doc.issuer !== this.options.issuer) throw new Error(`${url} names issuer ${String(doc.issuer)}, not ${this.options.issuer}`);
    if (typeof doc.jwks_uri !== 'string') throw new Error(`${url} has no jwks_uri`);
    return createRemoteJWKSet(new URL(doc.jwks_uri), {
      cooldownDuration: this.options.jwksCooldownMs ?? 30_000,
      cacheMaxAge: this.options.jwksMaxAgeMs ?? 600_000,
      timeoutDuration: 5_000,
    });
  }
}

/** A claim by name; `a.b.c` reaches into nested objects (Keycloak puts realm roles in realm_access.roles). */
export function readClaim(payload: Record<string, unknown>, claim: string): unknown {
  if (claim in payload) return payload[claim];
  let at: unknown = payload;
  for (const part of claim.split('.')) {
    if (!at || typeof at !== 'object') return undefined;
    at = (at as Record<string, unknown>)[part];
  }
  return at;
}

function describeJoseError(err: unknown): string {
  if (err instanceof errors.JWTExpired) return 'expired';
  if (err instanceof errors.JWTClaimValidationFailed) return `claim ${err.claim} ${err.reason === 'check_failed' ? 'does not match' : err.reason}`;
  if (err instanceof errors.JWKSNoMatchingKey) return 'signed with a key the issuer does not publish';
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'signature does not verify';
  return messageOf(err);
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
