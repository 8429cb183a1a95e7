import { createHash, randomBytes } from 'node:crypto';

/**
 * The one-time upload token (docs/reference/design-decisions.md#diagnostics-uploads): 32 random bytes in
 * base64url are the only credential of the upload URL, so only their SHA-256 is stored (a database
 * reader cannot upload). A plain hash suffices: the token has 256 bits of entropy, nothing to brute-force.
 */
export const UPLOAD_TOKEN_BYTES = 32;
/** How long a request's upload URL stays valid: long enough for a charger's retries. */
export const UPLOAD_TOKEN_TTL_MS = 24 * 60 * 60 * 1000;

export function newUploadToken(): { token: string; hash: string } {
  const token = randomBytes(UPLOAD_TOKEN_BYTES).toString('base64url');
  return { token, hash: hashUploadToken(token) };
}

export function hashUploadToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A token in the URL has exactly the shape we generate; anything else is not looked up. */
export function isUploadTokenShape(token: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(token);
}

export type TokenVerdict = 'ok' | 'expired' | 'used' | 'busy';

/**
 * Whether an upload may start now: not after expiry, not once a file was received (one use), and not
 * while another upload of the same token holds its lease (a retry after a broken upload may start again).
 */
export function tokenVerdict(row: { expiresAt: Date; receivedAt: Date | null; uploadLease: Date | null }, now: Date): TokenVerdict {
  if (row.receivedAt) return 'used';
  if (row.expiresAt.getTime() <= now.getTime()) return 'expired';
  if (row.uploadLease && row.uploadLease.getTime() > now.getTime()) return 'busy';
  return 'ok';
}
