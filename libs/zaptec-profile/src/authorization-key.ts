import { refusal, RULES, type ConfigRefusal } from './refusal.js';

/**
 * AuthorizationKey rules, per docs/reference/protocol-notes.md#authorizationkey, the security whitepaper and Zaptec's
 * UseAuthorizationKeyWithoutDecoding (docs/reference/zaptec-facts.md#useauthorizationkeywithoutdecoding).
 *
 * - Decoding (useWithoutDecoding = false): the key is hex; the password is the decoded bytes. Even number of
 *   hex digits, 16..20 decoded bytes (32..40 digits), and no decoded byte may be an RFC 5234 CTL (0x00-0x1F,
 *   0x7F), which RFC 7617 §2 forbids in a Basic Auth password. Bytes >= 0x80 are allowed: RFC 7617 does not
 *   forbid them and the whitepaper's own example (`...FFFF`) uses them; compare passwords as bytes.
 * - Without decoding (true): the key text is the password. The guide only says "similar validation but no
 *   decoding", so we choose: 16..40 bytes (the whitepaper's 16-byte minimum; 40 is the size of the field that
 *   carries the hex form), no CTL, and printable ASCII only, because how a charger turns non-ASCII text into
 *   password bytes is not specified and a mismatch would lock it out. A ':' is fine: RFC 7617 only forbids
 *   it in the user-id.
 */
export const AUTHORIZATION_KEY_MIN_BYTES = 16;
export const AUTHORIZATION_KEY_MAX_BYTES = 20;
export const AUTHORIZATION_KEY_MAX_TEXT_LENGTH = 40;

const KEY = 'AuthorizationKey';
const HEX = /^[0-9A-Fa-f]*$/;

const isCtl = (byte: number): boolean => byte <= 0x1f || byte === 0x7f;

/** Refusals for a new AuthorizationKey in the given decoding mode; [] when the charger will accept it. */
export function validateAuthorizationKey(key: string, useWithoutDecoding: boolean): ConfigRefusal[] {
  return useWithoutDecoding ? validateText(key) : validateHex(key);
}

function validateHex(key: string): ConfigRefusal[] {
  const out: ConfigRefusal[] = [];
  if (!HEX.test(key)) {
    out.push(
      refusal(
        KEY,
        null,
        RULES.authorizationKeyHex,
        'AuthorizationKey must be written in hex digits (0-9, A-F) while UseAuthorizationKeyWithoutDecoding is false.',
      ),
    );
  } else if (key.length % 2 !== 0) {
    out.push(refusal(KEY, null, RULES.authorizationKeyHex, `AuthorizationKey has an odd number of hex digits (${key.length}); each byte takes two.`));
  }
  const bytes = Math.floor(key.length / 2);
  if (bytes < AUTHORIZATION_KEY_MIN_BYTES || bytes > AUTHORIZATION_KEY_MAX_BYTES) {
    out.push(
      refusal(
        KEY,
        null,
        RULES.authorizationKeyLength,
        `AuthorizationKey must decode to ${AUTHORIZATION_KEY_MIN_BYTES} to ${AUTHORIZATION_KEY_MAX_BYTES} bytes (32 to 40 hex digits); it has ${key.length} digits.`,
      ),
    );
  }
  if (out.length === 0) {
    const ctl = [...Buffer.from(key, 'hex')].filter(isCtl);
    if (ctl.length > 0) {
      out.push(
        refusal(
          KEY,
          null,
          RULES.authorizationKeyControl,
          `AuthorizationKey decodes to control characters (e.g. byte 0x${ctl[0]!.toString(16).padStart(2, '0')}), which RFC 7617 forbids in a Basic Auth password; choose another key or set UseAuthorizationKeyWithoutDecoding to true.`,
        ),
      );
    }
  }
  return out;
}

function validateText(key: string): ConfigRefusal[] {
  const out: ConfigRefusal[] = [];
  const bytes = Buffer.byteLength(key, 'utf8');
  if (bytes < AUTHORIZATION_KEY_MIN_BYTES || bytes > AUTHORIZATION_KEY_MAX_TEXT_LENGTH) {
    out.push(
      refusal(
        KEY,
        null,
        RULES.authorizationKeyLength,
        `AuthorizationKey used without decoding must be ${AUTHORIZATION_KEY_MIN_BYTES} to ${AUTHORIZATION_KEY_MAX_TEXT_LENGTH} characters long; it has ${bytes} bytes.`,
      ),
    );
  }
  if ([...key].some((ch) => isCtl(ch.codePointAt(0)!))) {
    out.push(
      refusal(KEY, null, RULES.authorizationKeyControl, 'AuthorizationKey contains control characters, which RFC 7617 forbids in a Basic Auth password.'),
    );
  }
  if ([...key].some((ch) => ch.codePointAt(0)! > 0x7e)) {
    out.push(
      refusal(
        KEY,
        null,
        RULES.authorizationKeyAscii,
        'AuthorizationKey used without decoding must be printable ASCII: how a charger encodes other characters is not specified.',
      ),
    );
  }
  return out;
}

export class AuthorizationKeyError extends Error {
  readonly code = RULES.authorizationKeyHex;
}

/**
 * The password bytes a charger will send in Basic Auth for this key: the hex-decoded bytes (false; the
 * OCPP-J example AL1000 / 0001020304050607FFFF... gives `Basic QUwxMDAwOgABAgMEBQYH////////////////`)
 * or the UTF-8 bytes of the key text (true). Throws AuthorizationKeyError only when a key cannot be
 * hex-decoded at all; lengths and control characters are validateAuthorizationKey's job.
 */
export function expectedPasswordBytes(key: string, useWithoutDecoding: boolean): Buffer {
  if (useWithoutDecoding) return Buffer.from(key, 'utf8');
  if (!HEX.test(key) || key.length % 2 !== 0) {
    // Buffer.from(..., 'hex') silently stops at the first bad digit; never derive a password from half a key.
    throw new AuthorizationKeyError('AuthorizationKey is not an even-length hex string and cannot be decoded');
  }
  return Buffer.from(key, 'hex');
}

/**
 * docs/reference/zaptec-facts.md#useauthorizationkeywithoutdecoding: UseAuthorizationKeyWithoutDecoding defaults to
 * false if no key was set before, else true.
 */
export function defaultUseAuthorizationKeyWithoutDecoding(authorizationKeySetBefore: boolean): boolean {
  return authorizationKeySetBefore;
}
