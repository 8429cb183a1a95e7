/**
 * Pure rules of the WebSocket upgrade: which identity, which subprotocol, which credentials.
 * OCPP-J 1.6 §3.1: the URL is the endpoint followed by `/<identity>`, percent-encoded.
 */

export const OCPP16_SUBPROTOCOL = 'ocpp1.6';

export type IdentityResult = { ok: true; identity: string } | { ok: false; status: 400 | 404; reason: string };

/**
 * The identity is the last path segment, percent-decoded. With a prefix (e.g. `/ocpp`) the path must be
 * exactly `<prefix>/<identity>`; without one any path works, so `/ocpp/ZAP000001` and `/ZAP000001` both do.
 */
export function identityFromPath(rawUrl: string | undefined, prefix: string): IdentityResult {
  const path = (rawUrl ?? '/').split('?')[0].replace(/\/+$/, '');
  if (prefix && !path.startsWith(prefix + '/')) return { ok: false, status: 404, reason: `path must start with ${prefix}/` };
  const rest = prefix ? path.slice(prefix.length + 1) : path;
  const segment = rest.split('/').pop() ?? '';
  if (prefix && rest.includes('/')) return { ok: false, status: 404, reason: 'identity must be the single segment after the prefix' };
  if (segment === '') return { ok: false, status: 404, reason: 'no charge point identity in the path' };
  let identity: string;
  try {
    identity = decodeURIComponent(segment);
  } catch {
    return { ok: false, status: 400, reason: 'identity is not valid percent-encoding' };
  }
  // OCPP identities are CiString48 in practice (chargeBoxIdentity); a ':' would break Basic Auth (RFC 7617 §2).
  if (identity.length > 48) return { ok: false, status: 400, reason: 'identity longer than 48 characters' };
  if (/[\u0000-\u001f\u007f]/.test(identity)) return { ok: false, status: 400, reason: 'identity contains control characters' };
  return { ok: true, identity };
}

/** OCPP-J §3.1.2: pick `ocpp1.6` if offered; otherwise none (the handshake completes without it and we close). */
export function selectSubprotocol(offered: ReadonlySet<string>): string | false {
  return offered.has(OCPP16_SUBPROTOCOL) ? OCPP16_SUBPROTOCOL : false;
}

export interface BasicCredentials {
  username: string;
  /** Raw password bytes: a hex-decoded AuthorizationKey may hold any byte, so it is never turned into a string. */
  password: Buffer;
}

/** RFC 7617 Basic credentials from an Authorization header, or undefined when absent or malformed. */
export function parseBasicAuth(header: string | undefined): BasicCredentials | undefined {
  if (!header) return undefined;
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!match) return undefined;
  const decoded = Buffer.from(match[1], 'base64');
  const colon = decoded.indexOf(0x3a);
  if (colon < 0) return undefined;
  return { username: decoded.subarray(0, colon).toString('utf8'), password: decoded.subarray(colon + 1) };
}
