import { effectiveAccess, orderForApply } from './apply-order.js';

const before = (order: string[], a: string, b: string): boolean => order.indexOf(a) < order.indexOf(b);

describe('orderForApply', () => {
  const keys = [
    'SecurityProfile',
    'AuthorizationKey',
    'UseAuthorizationKeyWithoutDecoding',
    'UnlockConnectorOnEVSideDisconnect',
    'StopTxnSampledData',
    'PowerActiveImportDeltaForEagerMeterValueSample',
    'FreeCharging',
    'HeartbeatInterval',
    'LockCablePermanently',
    'MeterValuesSampledData',
    'FreeChargingIdTag',
  ];
  const order = orderForApply(keys);

  it.each([
    ['UseAuthorizationKeyWithoutDecoding', 'AuthorizationKey'],
    ['LockCablePermanently', 'UnlockConnectorOnEVSideDisconnect'],
    ['MeterValuesSampledData', 'PowerActiveImportDeltaForEagerMeterValueSample'],
    ['MeterValuesSampledData', 'StopTxnSampledData'],
    ['FreeChargingIdTag', 'FreeCharging'],
  ])('puts %s before %s', (a, b) => {
    expect(before(order, a, b)).toBe(true);
  });

  it('keeps every key once, AuthorizationKey next to last and SecurityProfile last', () => {
    expect([...order].sort()).toEqual([...keys].sort());
    expect(order.slice(-2)).toEqual(['AuthorizationKey', 'SecurityProfile']);
  });

  it('keeps the input order where no rule applies, and drops duplicates', () => {
    expect(orderForApply(['HeartbeatInterval', 'ConnectionTimeOut', 'HeartbeatInterval', 'Vendor'])).toEqual([
      'HeartbeatInterval',
      'ConnectionTimeOut',
      'Vendor',
    ]);
    expect(orderForApply(['FreeChargingIdTag', 'FreeCharging'])).toEqual(['FreeChargingIdTag', 'FreeCharging']);
    expect(orderForApply([])).toEqual([]);
  });
});

describe('effectiveAccess', () => {
  it('makes UnlockConnectorOnEVSideDisconnect read-only while LockCablePermanently=true (a Zaptec rule)', () => {
    expect(effectiveAccess('UnlockConnectorOnEVSideDisconnect', { LockCablePermanently: 'true' })).toBe('R');
    expect(effectiveAccess('UnlockConnectorOnEVSideDisconnect', { LockCablePermanently: 'false' })).toBe('RW');
    expect(effectiveAccess('UnlockConnectorOnEVSideDisconnect', {})).toBe('RW');
  });
  it('otherwise gives the registry access; unknown keys are RW', () => {
    expect(effectiveAccess('AuthorizationKey', {})).toBe('W');
    expect(effectiveAccess('NumberOfConnectors', {})).toBe('R');
    expect(effectiveAccess('VendorKey', {})).toBe('RW');
  });
});
