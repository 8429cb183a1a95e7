import { INT32_MAX, isStorableTimestamp } from './storable.js';
import { normaliseLeapSeconds, validatePayload } from './validation.js';

// The values a tester sent that the gateway acknowledged and storage then refused
// (docs/reference/design-decisions.md#poison-messages): each is
// now refused with the 1.6 CALLERROR code of the rule it breaks, or rewritten into a value we can store.
const reading = (timestamp = '2026-11-26T10:00:00Z') => ({
  timestamp,
  sampledValue: [{ value: '1200', measurand: 'Energy.Active.Import.Register', unit: 'Wh' }],
});

describe('storable or refused', () => {
  it.each([
    ['connectorId', { connectorId: 2 ** 31, meterValue: [reading()] }, '$.connectorId'],
    ['transactionId', { connectorId: 1, transactionId: 2 ** 31, meterValue: [reading()] }, '$.transactionId'],
    ['a negative connectorId', { connectorId: -1, meterValue: [reading()] }, '$.connectorId'],
  ])('refuses MeterValues with %s out of 32-bit range as PropertyConstraintViolation', (_what, payload, path) => {
    const v = validatePayload('MeterValues', 'request', payload);
    expect(v.ok).toBe(false);
    if (v.ok) return;
    expect(v.code).toBe('PropertyConstraintViolation');
    expect(v.errors[0].path).toBe(path);
  });

  it('accepts the largest 32-bit transactionId', () => {
    expect(validatePayload('MeterValues', 'request', { connectorId: 1, transactionId: INT32_MAX, meterValue: [reading()] }).ok).toBe(true);
  });

  it('refuses a StartTransaction on connector 0 and a meterStart beyond 32 bits', () => {
    const base = { connectorId: 1, idTag: 'TAG', meterStart: 0, timestamp: '2026-11-26T10:00:00Z' };
    expect(validatePayload('StartTransaction', 'request', base).ok).toBe(true);
    expect(validatePayload('StartTransaction', 'request', { ...base, connectorId: 0 })).toMatchObject({ ok: false, code: 'PropertyConstraintViolation' });
    expect(validatePayload('StartTransaction', 'request', { ...base, meterStart: 2 ** 31 })).toMatchObject({ ok: false, code: 'PropertyConstraintViolation' });
  });

  it('refuses a MeterValues timestamp in year 0000 and a StopTransaction in year 0000', () => {
    const mv = validatePayload('MeterValues', 'request', { connectorId: 1, meterValue: [reading('0000-01-01T00:00:00Z')] });
    expect(mv).toMatchObject({ ok: false, code: 'PropertyConstraintViolation' });
    if (!mv.ok) expect(mv.errors[0].path).toBe('$.meterValue[0].timestamp');
    const stop = validatePayload('StopTransaction', 'request', { transactionId: 1, meterStop: 10, timestamp: '0000-06-01T12:00:00Z' });
    expect(stop).toMatchObject({ ok: false, code: 'PropertyConstraintViolation' });
  });

  it('refuses MeterValues without readings (meterValue 1..*) and a reading without sampled values (1..*)', () => {
    expect(validatePayload('MeterValues', 'request', { connectorId: 1, meterValue: [] })).toMatchObject({ ok: false, code: 'OccurenceConstraintViolation' });
    expect(validatePayload('MeterValues', 'request', { connectorId: 1, meterValue: [{ timestamp: '2026-11-26T10:00:00Z', sampledValue: [] }] })).toMatchObject({
      ok: false,
      code: 'OccurenceConstraintViolation',
    });
    // StopTransaction's transactionData itself may be empty (0..*)
    expect(validatePayload('StopTransaction', 'request', { transactionId: 1, meterStop: 10, timestamp: '2026-11-26T10:00:00Z', transactionData: [] }).ok).toBe(
      true,
    );
  });

  it('rewrites a leap second to the last millisecond before the next second, then accepts it', () => {
    const status = { connectorId: 1, errorCode: 'NoError', status: 'Available', timestamp: '2016-12-31T23:59:60Z' };
    expect(validatePayload('StatusNotification', 'request', { ...status }).ok).toBe(false);
    expect(normaliseLeapSeconds('StatusNotification', 'request', status)).toBe(1);
    expect(status.timestamp).toBe('2016-12-31T23:59:59.999Z');
    expect(validatePayload('StatusNotification', 'request', status).ok).toBe(true);

    const mv = { connectorId: 1, meterValue: [reading('2016-12-31T23:59:59Z'), reading('2016-12-31T23:59:60.5+00:00')] };
    expect(normaliseLeapSeconds('MeterValues', 'request', mv)).toBe(1);
    expect(mv.meterValue.map((m) => m.timestamp)).toEqual(['2016-12-31T23:59:59Z', '2016-12-31T23:59:59.999+00:00']);
    expect(new Date(mv.meterValue[1].timestamp).toISOString()).toBe('2016-12-31T23:59:59.999Z');

    const stop = { transactionId: 1, meterStop: 10, timestamp: '2016-12-31T23:59:60Z', transactionData: [reading('2016-12-31T23:59:60Z')] };
    expect(normaliseLeapSeconds('StopTransaction', 'request', stop)).toBe(2);
  });

  it.each([
    ['1970-01-01T00:00:05Z', true], // a charger whose clock was never set
    ['2024-02-29T12:00:00+01:00', true],
    ['2026-11-26T10:00:00.123456Z', true],
    ['9999-12-31T23:59:59Z', true],
    ['1969-12-31T23:59:59Z', false],
    ['0000-01-01T00:00:00Z', false],
    ['2023-02-29T12:00:00Z', false],
    ['2026-13-01T00:00:00Z', false],
    ['2026-11-26T24:00:00Z', false],
    ['2016-12-31T23:59:60Z', false], // rewritten by normaliseLeapSeconds before validation
    ['2026-11-26 10:00:00', false],
  ])('isStorableTimestamp(%s) is %s', (value, ok) => {
    expect(isStorableTimestamp(value)).toBe(ok);
  });
});
