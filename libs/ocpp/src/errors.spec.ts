import { readFileSync } from 'node:fs';
import { OCPP_ERROR_CODES, isOcppErrorCode, normaliseErrorCode } from './errors.js';

/** The codes docs/reference/protocol-notes.md#callerror-codes names (its first paragraph, each in backticks). */
function documentedCodes(): string[] {
  const notes = readFileSync(new URL('../../../docs/reference/protocol-notes.md', import.meta.url), 'utf8');
  const section = notes.slice(notes.indexOf('## CALLERROR codes'));
  const paragraph = section.slice(0, section.indexOf('\n\n', section.indexOf('OCPP-J')));
  // Whole names only: the 2.0 spelling is cited as `Occurrence…`, cut short.
  return [...paragraph.matchAll(/`([A-Za-z]+)`/g)].map((m) => m[1]);
}

describe('OCPP error codes', () => {
  it('holds exactly the ten 1.6 CALLERROR codes the protocol notes list', () => {
    expect(documentedCodes()).toHaveLength(10);
    expect([...OCPP_ERROR_CODES].sort()).toEqual(documentedCodes().sort());
  });

  it.each(OCPP_ERROR_CODES.map((c) => [c]))('normaliseErrorCode keeps %s', (code) => {
    expect(normaliseErrorCode(code)).toBe(code);
  });

  it('"OccurenceConstraintViolation (sic, 1.6 spelling; accept Occurrence... on receipt)"', () => {
    expect(normaliseErrorCode('OccurrenceConstraintViolation')).toBe('OccurenceConstraintViolation');
    expect(isOcppErrorCode('OccurrenceConstraintViolation')).toBe(false);
  });

  it('unknown codes (2.0.1 FormatViolation, wrong case) are undefined', () => {
    expect(normaliseErrorCode('FormatViolation')).toBeUndefined();
    expect(normaliseErrorCode('genericerror')).toBeUndefined();
    expect(normaliseErrorCode('')).toBeUndefined();
  });
});
