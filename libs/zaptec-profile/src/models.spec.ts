import { canonicalIdentity, capabilitiesOf, detectModel, firmwareMajor, isActionSupported, type BootIdentity, type ChargerModel } from './models.js';

describe('detectModel', () => {
  it.each<[string, BootIdentity, ChargerModel]>([
    ['Pro by identity ZPR', { identity: 'ZPR081234', firmwareVersion: '7.5.4.0' }, 'zaptec-pro'],
    ['Pro by serial ZPG', { identity: 'garage-1', chargePointSerialNumber: 'ZPG001122' }, 'zaptec-pro'],
    ['Go 2 by ZAP and firmware 3.x', { identity: 'ZAP123456', firmwareVersion: '3.2.1.0' }, 'zaptec-go2'],
    ['Go by ZAP and firmware 2.x', { identity: 'ZAP123456', firmwareVersion: '2.4.2.4' }, 'zaptec-go'],
    ['Go by lowercase legacy zap', { identity: 'zap123456', firmwareVersion: 'v2.5.1.0' }, 'zaptec-go'],
    ['Go 2 by serial ZAP', { identity: 'GPN022346', chargePointSerialNumber: 'ZAP000001', firmwareVersion: '3.0.3.2' }, 'zaptec-go2'],
    ['vendor Zaptec, no prefix', { identity: 'GPN022346', chargePointVendor: 'Zaptec' }, 'zaptec-unknown'],
    ['vendor Zaptec, model names Go 2', { identity: 'GPN022346', chargePointVendor: 'Zaptec', chargePointModel: 'Go 2' }, 'zaptec-go2'],
    ['ZAP without firmware', { identity: 'ZAP123456' }, 'zaptec-unknown'],
    ['another vendor', { identity: 'RDAM 123', chargePointVendor: 'Alfen', firmwareVersion: '6.1' }, 'generic'],
    ['no vendor at all', { identity: 'CP-1' }, 'generic'],
  ])('%s', (_why, boot, model) => {
    expect(detectModel(boot)).toBe(model);
  });

  it('reads the firmware major version', () => {
    expect([firmwareMajor('3.2.1.0'), firmwareMajor('v2.4'), firmwareMajor('beta'), firmwareMajor(undefined)]).toEqual([3, 2, undefined, undefined]);
  });
});

describe('canonicalIdentity (Zaptec legacy identity mode)', () => {
  it('upper-cases only the legacy zap prefix', () => {
    expect(canonicalIdentity('zap123XYZ')).toBe('ZAP123XYZ');
    expect(canonicalIdentity('ZAP123XYZ')).toBe('ZAP123XYZ');
    expect(canonicalIdentity('zpr000001')).toBe('zpr000001');
    expect(canonicalIdentity('RDAM 123')).toBe('RDAM 123');
  });
  it('leaves identities alone when legacy aliases are off', () => {
    expect(canonicalIdentity('zap123XYZ', false)).toBe('zap123XYZ');
  });
});

describe('capabilitiesOf', () => {
  it('Pro: no FreeCharging keys, no GetDiagnostics, never Faulted', () => {
    const caps = capabilitiesOf('zaptec-pro');
    expect(caps.keys).not.toContain('FreeCharging');
    expect(caps.keys).not.toContain('FreeChargingIdTag');
    expect(caps.keys).toContain('LockCablePermanently');
    expect(caps.unsupportedActions).toEqual(['GetDiagnostics']);
    expect(caps.neverReports).toEqual(['Faulted on connector 0', 'Faulted']);
  });

  it('Go and Go 2 have the five Zaptec keys and never report Faulted on connector 0', () => {
    for (const model of ['zaptec-go', 'zaptec-go2', 'zaptec-unknown'] as const) {
      const caps = capabilitiesOf(model);
      expect(caps.keys).toEqual(expect.arrayContaining(['FreeCharging', 'FreeChargingIdTag', 'UseAuthorizationKeyWithoutDecoding']));
      expect(caps.unsupportedActions).toEqual([]);
      expect(caps.neverReports).toContain('Faulted on connector 0');
    }
    expect(capabilitiesOf('zaptec-unknown').neverReports).toEqual(capabilitiesOf('zaptec-go').neverReports);
  });

  it('generic: standard and security keys, no Zaptec keys, no known gaps', () => {
    const caps = capabilitiesOf('generic');
    expect(caps.keys).toHaveLength(49);
    expect(caps.keys).not.toContain('FreeCharging');
    expect(caps.neverReports).toEqual([]);
    expect(caps.featureProfiles).toHaveLength(6);
  });

  it('is narrowed by SupportedFeatureProfiles, keeping Core', () => {
    const caps = capabilitiesOf('zaptec-go2', ['SmartCharging', 'RemoteTrigger', 'SomethingNew']);
    expect(caps.featureProfiles).toEqual(['Core', 'SmartCharging', 'RemoteTrigger']);
    expect(caps.unsupportedActions).toEqual(expect.arrayContaining(['GetDiagnostics', 'UpdateFirmware', 'SendLocalList', 'ReserveNow']));
    expect(caps.unsupportedActions).not.toContain('SetChargingProfile');
    expect(caps.keys).not.toContain('LocalAuthListEnabled');
    expect(caps.keys).not.toContain('ReserveConnectorZeroSupported');
    expect(caps.keys).toContain('ChargeProfileMaxStackLevel');
  });
});

describe('isActionSupported', () => {
  it('accepts what the model supports and refuses, naming model and feature, what it does not', () => {
    expect(isActionSupported(capabilitiesOf('zaptec-go'), 'GetDiagnostics')).toEqual({ ok: true });
    const pro = isActionSupported(capabilitiesOf('zaptec-pro'), 'GetDiagnostics');
    expect(pro).toEqual({ ok: false, reason: expect.stringMatching(/Zaptec Pro.*GetDiagnostics/) });
    const narrowed = isActionSupported(capabilitiesOf('generic', ['Core']), 'ReserveNow');
    expect(narrowed).toEqual({ ok: false, reason: expect.stringContaining('Reservation') });
    expect(isActionSupported(capabilitiesOf('generic', ['Core']), 'RemoteStartTransaction')).toEqual({ ok: true });
    expect(isActionSupported(capabilitiesOf('generic'), 'FlyToTheMoon').ok).toBe(false);
  });
});
