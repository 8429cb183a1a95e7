// UseAuthorizationKeyWithoutDecoding exactly as Zaptec's guide puts it (docs/reference/zaptec-facts.md#useauthorizationkeywithoutdecoding):
//  false: hex-decode AuthorizationKey; refuse keys that are not hex, odd length, not 16..20 bytes, or whose decoded
//         bytes contain RFC 5234 CTL characters (0x00-0x1F, 0x7F), which RFC 7617 forbids in a password.
//         The Basic Auth password is the decoded bytes.
//  true:  the key text is the password as is, with the same CTL check and no decoding.

export type KeyCheck = { ok: true; password: Buffer } | { ok: false; reason: string };

function hasCtl(bytes: Uint8Array): boolean {
  return bytes.some((b) => b <= 0x1f || b === 0x7f);
}

export function passwordFromAuthorizationKey(key: string, withoutDecoding: boolean): KeyCheck {
  if (withoutDecoding) {
    const bytes = Buffer.from(key, 'utf8');
    // "Similar validation": the 1.6 security whitepaper's 16..20 byte key, as hex text = 16..40 characters.
    if (key.length < 16 || key.length > 40) return { ok: false, reason: 'key text must be 16..40 characters' };
    if (hasCtl(bytes)) return { ok: false, reason: 'key contains control characters (RFC 5234 CTL)' };
    return { ok: true, password: bytes };
  }
  if (key.length % 2 !== 0) return { ok: false, reason: 'hex key has odd length' };
  if (!/^[0-9a-fA-F]*$/.test(key)) return { ok: false, reason: 'key is not hex' };
  const bytes = Buffer.from(key, 'hex');
  if (bytes.length < 16 || bytes.length > 20) return { ok: false, reason: 'decoded key must be 16..20 bytes' };
  if (hasCtl(bytes)) return { ok: false, reason: 'decoded key contains control characters (RFC 5234 CTL)' };
  return { ok: true, password: bytes };
}
