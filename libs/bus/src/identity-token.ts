/**
 * The one place that turns a charge point identity into a NATS subject token.
 *
 * NATS forbids `.`, `*`, `>` and whitespace inside a token, and non-ASCII subjects are fragile across
 * clients. OCPP identities may hold any of these (OCPP-J §3.1.1 only asks for URL percent-encoding).
 * Every byte of the UTF-8 identity outside [A-Za-z0-9_-] becomes `~HH` (upper-case hex). `~` is itself
 * escaped, so the mapping is injective and reversible: two identities never share a subject.
 */
const SAFE = /^[A-Za-z0-9_-]$/;

export function identityToToken(identity: string): string {
  if (identity.length === 0) throw new Error('charge point identity must not be empty');
  let out = '';
  for (const byte of Buffer.from(identity, 'utf8')) {
    const ch = String.fromCharCode(byte);
    out += byte < 0x80 && SAFE.test(ch) ? ch : '~' + byte.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

export function tokenToIdentity(token: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < token.length; i++) {
    if (token[i] === '~') {
      const hex = token.slice(i + 1, i + 3);
      if (!/^[0-9A-F]{2}$/.test(hex)) throw new Error(`malformed identity token: ${token}`);
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(token.charCodeAt(i));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}
