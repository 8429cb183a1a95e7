/**
 * NATS subject rules, shared by the in-process bus (which must match exactly what NATS would) and the
 * NATS bus's client-side filter fallback.
 */

/**
 * True when `subject` (no wildcards) matches `filter` (`*` = one token, `>` = one or more trailing tokens).
 * Walks both strings in place: every message of the in-process bus is matched against every subscription and
 * consumer filter, and splitting both into arrays each time was 4% of the all-in-one's thread under load.
 */
export function subjectMatches(filter: string, subject: string): boolean {
  if (filter === subject) return true;
  let fi = 0;
  // Start of the subject's next token; -1 once its last token was consumed.
  let si = 0;
  for (;;) {
    const fe = tokenEnd(filter, fi);
    const fLen = fe - fi;
    const first = filter.charCodeAt(fi);
    if (fLen === 1 && first === GT) return si !== -1;
    if (si === -1) return false;
    const se = tokenEnd(subject, si);
    if (!(fLen === 1 && first === STAR) && !sameToken(filter, fi, subject, si, fLen, se - si)) return false;
    si = se === subject.length ? -1 : se + 1;
    if (fe === filter.length) return si === -1;
    fi = fe + 1;
  }
}

/** True when `filter` has no wildcard token: it matches exactly one subject, itself. */
export function isLiteralSubject(filter: string): boolean {
  return !filter.split('.').some((token) => token === '*' || token === '>');
}

const GT = 62; // '>'
const STAR = 42; // '*'

function tokenEnd(s: string, from: number): number {
  const dot = s.indexOf('.', from);
  return dot === -1 ? s.length : dot;
}

function sameToken(a: string, ai: number, b: string, bi: number, aLen: number, bLen: number): boolean {
  if (aLen !== bLen) return false;
  for (let k = 0; k < aLen; k++) if (a.charCodeAt(ai + k) !== b.charCodeAt(bi + k)) return false;
  return true;
}

export class InvalidSubjectError extends Error {
  readonly code = 'BUS_INVALID_SUBJECT';
  constructor(
    readonly subject: string,
    reason: string,
  ) {
    super(`invalid subject '${subject}': ${reason}`);
    this.name = 'InvalidSubjectError';
  }
}

const BAD_TOKEN_CHARS = /[\s]/;

/** Throws what NATS would reject: empty tokens, whitespace; wildcards only when `allowWildcards`. */
export function assertValidSubject(subject: string, allowWildcards: boolean): void {
  if (subject.length === 0) throw new InvalidSubjectError(subject, 'empty');
  const tokens = subject.split('.');
  tokens.forEach((token, i) => {
    if (token.length === 0) throw new InvalidSubjectError(subject, 'empty token');
    if (BAD_TOKEN_CHARS.test(token)) throw new InvalidSubjectError(subject, 'whitespace in token');
    const wildcard = token === '*' || token === '>';
    if (wildcard && !allowWildcards) throw new InvalidSubjectError(subject, 'wildcards are only allowed in filters');
    if (token === '>' && i !== tokens.length - 1) throw new InvalidSubjectError(subject, "'>' must be the last token");
    if (!wildcard && /[*>]/.test(token)) throw new InvalidSubjectError(subject, "'*' and '>' must be whole tokens");
  });
}
