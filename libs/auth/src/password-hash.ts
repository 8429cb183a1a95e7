import { createHash, createHmac, randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * Salted scrypt hashes of charger passwords (the exact Basic Auth password bytes, docs/reference/protocol-notes.md#authorizationkey).
 * Stored as one self-describing string `scrypt$N$r$p$<salt b64>$<hash b64>` so the cost can be raised
 * later without a migration: old hashes keep verifying with their own parameters.
 */
export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

/** OWASP's minimum for scrypt (N=2^17 is their first choice; 2^14 keeps a reconnect storm affordable). */
export const DEFAULT_SCRYPT_PARAMS: ScryptParams = { N: 16_384, r: 8, p: 1 };
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;

function derive(password: Uint8Array, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  // maxmem must cover 128 * N * r bytes, or node refuses the larger parameter sets.
  const options: ScryptOptions = { N: params.N, r: params.r, p: params.p, maxmem: 256 * params.N * params.r };
  return new Promise((resolve, reject) => {
    scrypt(password, salt, KEY_LENGTH, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

export async function hashPassword(password: Uint8Array, params: ScryptParams = DEFAULT_SCRYPT_PARAMS): Promise<string> {
  const salt = randomBytes(SALT_LENGTH);
  const hash = await derive(password, salt, params);
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64'), hash.toString('base64')].join('$');
}

/** Constant-time comparison of the derived key; a malformed stored hash never verifies. */
export async function verifyPassword(password: Uint8Array, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number);
  if (![N, r, p].every((n) => Number.isInteger(n) && n > 0)) return false;
  const salt = Buffer.from(parts[4], 'base64');
  const expected = Buffer.from(parts[5], 'base64');
  const actual = await derive(password, salt, { N, r, p });
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/**
 * Keyed hashes of the credentials the CSMS generates itself (docs/reference/design-decisions.md#credential-hashing):
 * a generated password or AuthorizationKey holds 160 random bits, so no guessing attack needs slowing down and a
 * slow KDF only makes a reconnect storm CPU-bound. Stored as `hmac-sha256$<secret id>$<mac b64>`; the secret id
 * (the first 8 bytes of the secret's SHA-256, hex) tells a hash made under another server secret from a wrong password.
 */
export const KEYED_HASH_PREFIX = 'hmac-sha256';

export function secretId(secret: Uint8Array): string {
  return createHash('sha256').update(secret).digest('hex').slice(0, 16);
}

export function keyedHash(password: Uint8Array, secret: Uint8Array): string {
  return [KEYED_HASH_PREFIX, secretId(secret), createHmac('sha256', secret).update(password).digest('base64')].join('$');
}

/** Undefined when `stored` is not a keyed hash; false under another secret or a wrong password. */
export function verifyKeyedHash(password: Uint8Array, stored: string, secret: Uint8Array): boolean | undefined {
  const parts = stored.split('$');
  if (parts[0] !== KEYED_HASH_PREFIX) return undefined;
  if (parts.length !== 3 || parts[1] !== secretId(secret)) return false;
  const expected = Buffer.from(parts[2], 'base64');
  const actual = createHmac('sha256', secret).update(password).digest();
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** The secret id a keyed hash names; undefined for any other stored hash. */
export function keyedHashSecretId(stored: string): string | undefined {
  const parts = stored.split('$');
  return parts[0] === KEYED_HASH_PREFIX && parts.length === 3 ? parts[1] : undefined;
}
