import { timingSafeEqual } from 'node:crypto';
import type { ApiAccessConfig } from '#csms/config';
import type { ApiCaller } from './caller.js';
import { hashApiToken } from './api-token.js';
import { isLoopbackAddress } from './loopback.js';
import type { OidcVerifier } from './oidc-verifier.js';
import type { ApiTokenDirectory } from './token-directory.js';

export type CallerDecision = { ok: true; caller: ApiCaller } | { ok: false; status: 401 | 403 | 503; error: string; message: string };

export interface CallerQuestion {
  /** The bearer token, when the request carried one. */
  token?: string;
  /** The socket's remote address (never X-Forwarded-For). */
  remoteAddress?: string;
}

const JWT_SHAPE = /^[\w-]+\.[\w-]+\.[\w-]*$/;

/**
 * Who is calling, from what the request carried. A token always decides (also from loopback, so a viewer
 * token on the laptop acts as a viewer); a request without one is admin only in loopback-trusted mode and
 * only from this host's loopback address; everything else is 401.
 */
export class ApiCallerResolver {
  private readonly adminTokenHash?: Buffer;

  constructor(
    private readonly access: Pick<ApiAccessConfig, 'mode' | 'adminToken'>,
    private readonly directory: ApiTokenDirectory,
    private readonly oidc?: OidcVerifier,
  ) {
    if (access.adminToken) this.adminTokenHash = Buffer.from(hashApiToken(access.adminToken), 'hex');
  }

  async resolve(q: CallerQuestion): Promise<CallerDecision> {
    if (q.token === undefined) {
      if (this.access.mode === 'loopback-trusted' && isLoopbackAddress(q.remoteAddress)) {
        return { ok: true, caller: { name: 'loopback', role: 'admin', kind: 'loopback' } };
      }
      return { ok: false, status: 401, error: 'unauthorized', message: 'this route needs a token: Authorization: Bearer <API token or OIDC access token>' };
    }
    const hash = hashApiToken(q.token);
    if (this.adminTokenHash && timingSafeEqual(this.adminTokenHash, Buffer.from(hash, 'hex'))) {
      return { ok: true, caller: { name: 'API_ADMIN_TOKEN', role: 'admin', kind: 'token' } };
    }
    if (this.oidc && JWT_SHAPE.test(q.token)) {
      const outcome = await this.oidc.verify(q.token);
      if (outcome.ok) return outcome;
      return {
        ok: false,
        status: outcome.status,
        error: outcome.status === 403 ? 'forbidden' : outcome.status === 401 ? 'unauthorized' : 'oidc_unavailable',
        message: outcome.reason,
      };
    }
    const known = await this.directory.lookup(hash);
    if (!known) return { ok: false, status: 401, error: 'unauthorized', message: 'the bearer token is not valid (unknown, revoked or mistyped)' };
    return { ok: true, caller: { name: known.name, role: known.role, kind: 'token', subject: known.id } };
  }
}
