import { OCPP_ACTIONS } from './actions.js';
import { compileAllSchemas, schemaKeys, errorCodeForKeyword, patchCelsius, validatePayload, type PayloadValidation } from './validation.js';

function failure(v: PayloadValidation): Exclude<PayloadValidation, { ok: true }> {
  if (v.ok) throw new Error('expected a validation failure');
  return v;
}

const sample = (unit: string) => ({
  connectorId: 1,
  transactionId: 7,
  meterValue: [{ timestamp: '2024-05-01T10:00:00Z', sampledValue: [{ value: '21.5', measurand: 'Temperature', unit }] }],
});

describe('validatePayload', () => {
  it('compiles all 78 schemas: a request and a response schema for each of the 39 actions', () => {
    const keys = compileAllSchemas();
    expect(keys).toHaveLength(78);
    expect(schemaKeys().sort()).toEqual([...keys].sort());
    for (const a of OCPP_ACTIONS) expect(keys).toEqual(expect.arrayContaining([`${a}.request`, `${a}.response`]));
  });

  it('accepts valid requests and responses', () => {
    expect(validatePayload('BootNotification', 'request', { chargePointVendor: 'Zaptec', chargePointModel: 'Go' })).toEqual({ ok: true });
    expect(validatePayload('BootNotification', 'response', { status: 'Accepted', currentTime: '2024-05-01T10:00:00.000Z', interval: 300 })).toEqual({
      ok: true,
    });
    expect(validatePayload('Heartbeat', 'request', {})).toEqual({ ok: true });
  });

  it('"NotImplemented: requested Action is not known by receiver": unknown action', () => {
    expect(failure(validatePayload('FooBar', 'request', {})).code).toBe('NotImplemented');
  });

  it('"Action names are case-sensitive": authorize is not Authorize', () => {
    expect(failure(validatePayload('authorize', 'request', { idTag: 'A' })).code).toBe('NotImplemented');
  });

  it('"TypeConstraintViolation: a field contains a value of the wrong type"', () => {
    const f = failure(validatePayload('BootNotification', 'request', { chargePointVendor: 42, chargePointModel: 'Go' }));
    expect(f.code).toBe('TypeConstraintViolation');
    expect(f.errors[0]).toEqual({ path: '$.chargePointVendor', message: 'must be string (type)' });
    expect(f.description).toContain('$.chargePointVendor');
    expect(f.description).toContain('(type)');
  });

  it('integer fields reject fractions with TypeConstraintViolation', () => {
    expect(failure(validatePayload('RemoteStopTransaction', 'request', { transactionId: 1.5 })).code).toBe('TypeConstraintViolation');
  });

  it('"PropertyConstraintViolation: field contains a value that violates its constraints": enum', () => {
    const f = failure(validatePayload('StatusNotification', 'request', { connectorId: 1, errorCode: 'NoError', status: 'Sleeping' }));
    expect(f.code).toBe('PropertyConstraintViolation');
    expect(f.errors[0]?.path).toBe('$.status');
    expect(f.description).toContain('(enum)');
  });

  it('PropertyConstraintViolation: maxLength (idTag is CiString20)', () => {
    const f = failure(validatePayload('Authorize', 'request', { idTag: 'X'.repeat(21) }));
    expect(f.code).toBe('PropertyConstraintViolation');
    expect(f.description).toContain('$.idTag');
    expect(f.description).toContain('(maxLength)');
  });

  it('PropertyConstraintViolation: date-time format is validated', () => {
    const bad = failure(validatePayload('Heartbeat', 'response', { currentTime: '2024-13-45T99:00:00Z' }));
    expect(bad.code).toBe('PropertyConstraintViolation');
    expect(bad.description).toContain('(format)');
    expect(failure(validatePayload('Heartbeat', 'response', { currentTime: 'yesterday' })).code).toBe('PropertyConstraintViolation');
    expect(validatePayload('Heartbeat', 'response', { currentTime: '2024-05-01T10:00:00+02:00' })).toEqual({ ok: true });
  });

  it('PropertyConstraintViolation: multipleOf 0.1 on a charging limit, without float noise', () => {
    const profile = (limit: number) => ({
      connectorId: 1,
      csChargingProfiles: {
        chargingProfileId: 1,
        stackLevel: 0,
        chargingProfilePurpose: 'TxDefaultProfile',
        chargingProfileKind: 'Absolute',
        chargingSchedule: { chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit }] },
      },
    });
    expect(validatePayload('SetChargingProfile', 'request', profile(0.3))).toEqual({ ok: true });
    expect(validatePayload('SetChargingProfile', 'request', profile(16.1))).toEqual({ ok: true });
    const f = failure(validatePayload('SetChargingProfile', 'request', profile(16.05)));
    expect(f.code).toBe('PropertyConstraintViolation');
    expect(f.errors[0]?.path).toBe('$.csChargingProfiles.chargingSchedule.chargingSchedulePeriod[0].limit');
  });

  it('"OccurenceConstraintViolation" (1.6 spelling): a required field is missing', () => {
    const f = failure(validatePayload('Authorize', 'request', {}));
    expect(f.code).toBe('OccurenceConstraintViolation');
    expect(f.errors[0]?.path).toBe('$.idTag');
    expect(f.description).toContain('(required)');
  });

  it('OccurenceConstraintViolation: nested required field, path points into the array', () => {
    const f = failure(validatePayload('MeterValues', 'request', { connectorId: 1, meterValue: [{ timestamp: '2024-05-01T10:00:00Z', sampledValue: [{}] }] }));
    expect(f.code).toBe('OccurenceConstraintViolation');
    expect(f.errors[0]?.path).toBe('$.meterValue[0].sampledValue[0].value');
  });

  it('OccurenceConstraintViolation: minItems', () => {
    expect(failure(validatePayload('GetInstalledCertificateIds', 'response', { status: 'Accepted', certificateHashData: [] })).code).toBe(
      'OccurenceConstraintViolation',
    );
  });

  it('"FormationViolation": an unknown field (schemas are closed objects)', () => {
    const f = failure(validatePayload('Authorize', 'request', { idTag: 'A', colour: 'red' }));
    expect(f.code).toBe('FormationViolation');
    expect(f.errors[0]?.path).toBe('$.colour');
    expect(f.description).toContain('(additionalProperties)');
  });

  it.each([[null], [[]], ['text'], [42], [true]])('FormationViolation: payload %p is not a JSON object', (payload) => {
    expect(failure(validatePayload('Heartbeat', 'request', payload)).code).toBe('FormationViolation');
  });

  it.each([
    ['type', 'TypeConstraintViolation'],
    ['enum', 'PropertyConstraintViolation'],
    ['maxLength', 'PropertyConstraintViolation'],
    ['minLength', 'PropertyConstraintViolation'],
    ['maximum', 'PropertyConstraintViolation'],
    ['minimum', 'PropertyConstraintViolation'],
    ['pattern', 'PropertyConstraintViolation'],
    ['format', 'PropertyConstraintViolation'],
    ['required', 'OccurenceConstraintViolation'],
    ['additionalProperties', 'FormationViolation'],
    ['someFutureKeyword', 'FormationViolation'],
  ])('Ajv keyword %s maps to %s', (keyword, code) => {
    expect(errorCodeForKeyword(keyword)).toBe(code);
  });

  it('"Accept the misspelt unit Celcius as well as Celsius" in MeterValues', () => {
    expect(validatePayload('MeterValues', 'request', sample('Celsius'))).toEqual({ ok: true });
    expect(validatePayload('MeterValues', 'request', sample('Celcius'))).toEqual({ ok: true });
    expect(failure(validatePayload('MeterValues', 'request', sample('Celsuis'))).code).toBe('PropertyConstraintViolation');
  });

  it('accepts Celcius and Celsius in StopTransaction transactionData', () => {
    const stop = (unit: string) => ({
      meterStop: 1000,
      timestamp: '2024-05-01T11:00:00Z',
      transactionId: 7,
      transactionData: sample(unit).meterValue,
    });
    expect(validatePayload('StopTransaction', 'request', stop('Celsius'))).toEqual({ ok: true });
    expect(validatePayload('StopTransaction', 'request', stop('Celcius'))).toEqual({ ok: true });
    expect(failure(validatePayload('StopTransaction', 'request', stop('celsius'))).code).toBe('PropertyConstraintViolation');
  });

  it('the Celsius patch adds the missing spelling to any enum holding one (schema-version proof)', () => {
    const schema = { properties: { unit: { enum: ['Wh', 'Celsius'] }, other: { enum: ['A', 'B'] } } };
    patchCelsius(schema);
    expect(schema.properties.unit.enum).toEqual(['Wh', 'Celsius', 'Celcius']);
    expect(schema.properties.other.enum).toEqual(['A', 'B']);
  });
});
