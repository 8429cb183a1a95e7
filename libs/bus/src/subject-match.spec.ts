import { isLiteralSubject, subjectMatches } from './subject-match.js';

/** NATS's rule written the plain way (split into tokens): the oracle the in-place walk must agree with. */
function byTokens(filter: string, subject: string): boolean {
  const f = filter.split('.');
  const s = subject.split('.');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '>') return s.length > i;
    if (i >= s.length) return false;
    if (f[i] !== '*' && f[i] !== s[i]) return false;
  }
  return f.length === s.length;
}

describe('subjectMatches', () => {
  it.each([
    ['ocpp.v16.req.CP1.Heartbeat', 'ocpp.v16.req.CP1.Heartbeat', true],
    ['ocpp.v16.req.*.Heartbeat', 'ocpp.v16.req.CP1.Heartbeat', true],
    ['ocpp.v16.req.>', 'ocpp.v16.req.CP1.Heartbeat', true],
    ['ocpp.v16.req.>', 'ocpp.v16.req', false],
    ['ocpp.v16.req.*', 'ocpp.v16.req.CP1.Heartbeat', false],
    ['ocpp.v16.req.CP1', 'ocpp.v16.req.CP12', false],
    ['ocpp.v16.req.CP12', 'ocpp.v16.req.CP1', false],
    ['ocpp.v16.req.CP1.Heartbeat', 'ocpp.v16.req.CP1', false],
    ['>', 'a', true],
    ['*', 'a', true],
    ['*', 'a.b', false],
    ['a.*.c', 'a.b.c', true],
    ['a.*.c', 'a.b.d', false],
    ['ab', 'a', false],
  ])('%s against %s: %s', (filter, subject, expected) => {
    expect(subjectMatches(filter, subject)).toBe(expected);
    expect(byTokens(filter, subject)).toBe(expected);
  });

  it('agrees with the token-by-token rule on every pair of a generated set', () => {
    const tokens = ['a', 'b', 'ab', 'CP-1', 'Heartbeat'];
    const subjects: string[] = [];
    const filters: string[] = [];
    const grow = (prefix: string[], depth: number): void => {
      if (prefix.length > 0) subjects.push(prefix.join('.'));
      if (depth === 0) return;
      for (const t of tokens) grow([...prefix, t], depth - 1);
    };
    grow([], 3);
    for (const s of subjects) {
      const parts = s.split('.');
      filters.push(s, `${s}.>`, `${s}.*`, `*.${s}`);
      parts.forEach((_, i) => {
        filters.push([...parts.slice(0, i), '*', ...parts.slice(i + 1)].join('.'));
        filters.push([...parts.slice(0, i), '>'].join('.'));
      });
    }
    let disagreements = 0;
    for (const f of filters) for (const s of subjects) if (subjectMatches(f, s) !== byTokens(f, s)) disagreements++;
    expect(subjects.length).toBeGreaterThan(100);
    expect(disagreements).toBe(0);
  });
});

describe('isLiteralSubject', () => {
  it.each([
    ['ocpp.v16.cmd.CP-1', true],
    ['ocpp.v16.cmd.CP*1', true], // a charger id with a star in it is a literal token, not a wildcard
    ['ocpp.v16.cmd.*', false],
    ['ocpp.v16.evt.>', false],
    ['*', false],
    ['a', true],
  ])('%s: %s', (filter, literal) => {
    expect(isLiteralSubject(filter)).toBe(literal);
  });
});
