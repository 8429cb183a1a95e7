import { createHash, randomBytes } from 'node:crypto';

/**
 * API tokens: 32 random bytes (256 bits) in base64url behind a `csms_` prefix, so a leaked token is easy to
 * find in logs and secret scanners. Only the SHA-256 of a token is stored: the token is random enough that
 * no salt or slow hash is needed (unlike a password), and a lookup by hash stays one index probe.
 */
export const API_TOKEN_PREFIX = 'csms_';

export function newApiToken(): string {
  return API_TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

export function hashApiToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
