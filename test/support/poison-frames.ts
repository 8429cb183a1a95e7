/**
 * The values a tester sent that the system once acknowledged and could never store
 * (docs/reference/design-decisions.md#poison-messages), each
 * with the 1.6 CALLERROR it must now get. Shared by the e2e test and the chaos run, which mixes them into
 * a fleet's traffic.
 */
export const energyReading = (timestamp: string, wh: number) => ({
  timestamp,
  sampledValue: [{ value: String(wh), measurand: 'Energy.Active.Import.Register', unit: 'Wh' }],
});

export interface PoisonFrame {
  what: string;
  action: string;
  payload: unknown;
  /** The CALLERROR code it must be refused with. */
  code: string;
}

export const POISON_FRAMES: readonly PoisonFrame[] = [
  {
    what: 'connectorId 2^31',
    action: 'MeterValues',
    payload: { connectorId: 2 ** 31, meterValue: [energyReading('2026-11-26T10:00:00Z', 1)] },
    code: 'PropertyConstraintViolation',
  },
  {
    what: 'transactionId 2^31',
    action: 'MeterValues',
    payload: { connectorId: 1, transactionId: 2 ** 31, meterValue: [energyReading('2026-11-26T10:00:00Z', 1)] },
    code: 'PropertyConstraintViolation',
  },
  {
    what: 'timestamp in year 0000',
    action: 'MeterValues',
    payload: { connectorId: 1, meterValue: [energyReading('0000-01-01T00:00:00Z', 1)] },
    code: 'PropertyConstraintViolation',
  },
  {
    what: 'StopTransaction in year 0000',
    action: 'StopTransaction',
    payload: { transactionId: 1, meterStop: 5, timestamp: '0000-01-01T00:00:00Z' },
    code: 'PropertyConstraintViolation',
  },
  { what: 'an empty meterValue list', action: 'MeterValues', payload: { connectorId: 1, meterValue: [] }, code: 'OccurenceConstraintViolation' },
];

/** Accepted, and stored as 23:59:59.999. */
export const LEAP_SECOND_STATUS = { connectorId: 1, errorCode: 'NoError', status: 'Available', timestamp: '2016-12-31T23:59:60Z' };
