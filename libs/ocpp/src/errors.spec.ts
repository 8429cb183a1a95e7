import { OCPP_ERROR_CODES, isOcppErrorCode, normaliseErrorCode } from './errors.js';

describe('OCPP error codes', () => {
  it('holds exactly the ten 1.6 CALLERROR codes', () => {
    expect([...OCPP_ERROR_CODES].sort()).toEqual(
      [
        'NotImplemented',
        'NotSupported',
        'InternalError',
        'ProtocolError',
        'SecurityError',
        'FormationViolation',
        'PropertyConstraintViolation',
        'OccurenceConstraintViolation',
        'TypeConstraintViolation',
        'GenericError',
      ].sort(),
    );
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
