import { CHARGER_MODELS } from './models.js';
import { factoryDefaultsOf, FLEET_BILLING_DEFAULTS } from './provisioning.js';
import { validateDesiredConfiguration } from './validation.js';

describe('FLEET_BILLING_DEFAULTS (issue 10 §2)', () => {
  it.each(CHARGER_MODELS)('is a valid desired configuration for %s, with no reported state', (model) => {
    expect(validateDesiredConfiguration({ ...FLEET_BILLING_DEFAULTS }, { model })).toEqual([]);
  });

  it('replaces the 24-hour heartbeat and the absent sampling', () => {
    expect(Number(FLEET_BILLING_DEFAULTS['HeartbeatInterval'])).toBeLessThan(86400);
    expect(Number(FLEET_BILLING_DEFAULTS['MeterValueSampleInterval'])).toBeGreaterThan(0);
    expect(FLEET_BILLING_DEFAULTS['MeterValuesSampledData']).toContain('Power.Active.Import');
  });

  it('still allows the eager sample on top of it', () => {
    const desired = { ...FLEET_BILLING_DEFAULTS, PowerActiveImportDeltaForEagerMeterValueSample: '500' };
    expect(validateDesiredConfiguration(desired, { model: 'zaptec-go2' })).toEqual([]);
  });
});

describe('factoryDefaultsOf', () => {
  it('gives the Zaptec boot state ZAPTEC-FACTS reports', () => {
    expect(factoryDefaultsOf('zaptec-go')).toMatchObject({ HeartbeatInterval: '86400', MeterValueSampleInterval: '0' });
    expect(factoryDefaultsOf('zaptec-pro')).toMatchObject({ ConnectionTimeOut: '30', NumberOfConnectors: '1' });
    expect(factoryDefaultsOf('generic')).toEqual({});
  });
});
