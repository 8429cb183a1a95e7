import * as profile from '#csms/zaptec-profile';

// The public API other libs code against (through the #csms subpath import): names must not drift.
describe('#csms/zaptec-profile public API', () => {
  it('exports the agreed names', () => {
    for (const name of [
      'KEY_REGISTRY',
      'getKeyDefinition',
      'MEASURANDS',
      'validateKeyValue',
      'validateDesiredConfiguration',
      'validateAuthorizationKey',
      'expectedPasswordBytes',
      'defaultUseAuthorizationKeyWithoutDecoding',
      'detectModel',
      'capabilitiesOf',
      'isActionSupported',
      'canonicalIdentity',
      'orderForApply',
      'effectiveAccess',
      'ZAPTEC_BILLING_DEFAULTS',
      'billingDefaultsOf',
      'RULES',
    ]) {
      expect(profile).toHaveProperty(name);
    }
  });

  it('works end to end for the documented example body', () => {
    const desired = { FreeCharging: 'true', FreeChargingIdTag: 'FREE' };
    expect(profile.validateDesiredConfiguration(desired, { model: 'zaptec-go' })).toEqual([]);
    expect(profile.orderForApply(Object.keys(desired))).toEqual(['FreeChargingIdTag', 'FreeCharging']);
  });
});
