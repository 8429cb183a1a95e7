import { CHARGER_MODELS } from './models.js';
import { billingDefaultsOf, factoryDefaultsOf, MODELS_WITH_BILLING_DEFAULTS, ZAPTEC_BILLING_DEFAULTS } from './provisioning.js';
import { validateDesiredConfiguration } from './validation.js';

describe('ZAPTEC_BILLING_DEFAULTS', () => {
  it.each(CHARGER_MODELS)('is a valid desired configuration for %s, with no reported state', (model) => {
    expect(validateDesiredConfiguration({ ...ZAPTEC_BILLING_DEFAULTS }, { model })).toEqual([]);
  });

  it('replaces the 24-hour heartbeat and the absent sampling', () => {
    expect(Number(ZAPTEC_BILLING_DEFAULTS['HeartbeatInterval'])).toBeLessThan(86400);
    expect(Number(ZAPTEC_BILLING_DEFAULTS['MeterValueSampleInterval'])).toBeGreaterThan(0);
    expect(ZAPTEC_BILLING_DEFAULTS['MeterValuesSampledData']).toContain('Power.Active.Import');
  });

  it('still allows the eager sample on top of it', () => {
    const desired = { ...ZAPTEC_BILLING_DEFAULTS, PowerActiveImportDeltaForEagerMeterValueSample: '500' };
    expect(validateDesiredConfiguration(desired, { model: 'zaptec-go2' })).toEqual([]);
  });
});

describe('billingDefaultsOf (per model, not for the fleet)', () => {
  it('gives the billing defaults to every Zaptec model and nothing to a generic charger', () => {
    expect(MODELS_WITH_BILLING_DEFAULTS).toEqual(['zaptec-go', 'zaptec-go2', 'zaptec-pro', 'zaptec-unknown']);
    for (const model of MODELS_WITH_BILLING_DEFAULTS) expect(billingDefaultsOf(model)).toEqual(ZAPTEC_BILLING_DEFAULTS);
    expect(billingDefaultsOf('generic')).toEqual({});
  });
});

describe('factoryDefaultsOf', () => {
  it('gives the Zaptec boot state the facts report', () => {
    expect(factoryDefaultsOf('zaptec-go')).toMatchObject({ HeartbeatInterval: '86400', MeterValueSampleInterval: '0' });
    expect(factoryDefaultsOf('zaptec-pro')).toMatchObject({ ConnectionTimeOut: '30', NumberOfConnectors: '1' });
    expect(factoryDefaultsOf('generic')).toEqual({});
  });
});
