/**
 * NATS subject rules, shared by the in-process bus (which must match exactly what NATS would) and the
 * NATS bus's client-side filter fallback.
 */

/** True when `subject` (no wildcards) matches `filter` (`*` = one token, `>` = one or more trailing tokens). */
export function subjectMatches(filter: string, subject: string): boolean {
  if (filter === subject) return true;
  const f = filter.split('.');
  const s = subject.split('.');
  for (let i = 0; i < f.length; i++) {
    const token = f[i];
    if (token === '>') return s.length > i;
    if (i >= s.length) return false;
    if (token !== '*' && token !== s[i]) return false;
  }
  return f.length === s.length;
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
