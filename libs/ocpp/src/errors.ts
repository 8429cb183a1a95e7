/** CALLERROR codes with their OCPP 1.6 spellings [J16 §4.2.3; docs/reference/protocol-notes.md#callerror-codes]. */
export const OCPP_ERROR_CODES = [
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
] as const;

export type OcppErrorCode = (typeof OCPP_ERROR_CODES)[number];

const CODES: ReadonlySet<string> = new Set<string>(OCPP_ERROR_CODES);

/**
 * The code of a received CALLERROR, or undefined if it is none of the 1.6 codes. The 1.6 spelling
 * `OccurenceConstraintViolation` is kept (errata keep it for 1.6); chargers built against 2.0 send
 * `OccurrenceConstraintViolation`, which is accepted on receipt and mapped to the 1.6 spelling.
 */
export function normaliseErrorCode(received: string): OcppErrorCode | undefined {
  if (received === 'OccurrenceConstraintViolation') return 'OccurenceConstraintViolation';
  return CODES.has(received) ? (received as OcppErrorCode) : undefined;
}

export function isOcppErrorCode(s: string): s is OcppErrorCode {
  return CODES.has(s);
}
