import type { ChargerModel } from './models.js';
import { validateDesiredConfiguration, validateKeyValue } from './validation.js';

const SAMPLED = 'Energy.Active.Import.Register,Power.Active.Import';
const ruleIds = (desired: Record<string, string>, model: ChargerModel = 'zaptec-go', reported?: Record<string, string>): string[] =>
  validateDesiredConfiguration(desired, reported ? { model, reported } : { model }).map((r) => r.rule);

type Case = [
  rule: string,
  accepted: Record<string, string>,
  refused: Record<string, string>,
  model?: ChargerModel,
  reported?: Record<string, string>,
  /** When the accepted case needs another model or reported state than the refused one. */
  acceptedModel?: ChargerModel,
  acceptedReported?: Record<string, string>,
];

// Each rule with a configuration it accepts and one it refuses for that rule
// (docs/reference/design-decisions.md#desired-configuration; docs/reference/zaptec-facts.md#zaptec-configuration-keys).
const CASES: Case[] = [
  ['key.length', { HeartbeatInterval: '60' }, { ['K'.repeat(51)]: '1' }],
  ['value.length', { CpoName: 'x'.repeat(500) }, { CpoName: 'x'.repeat(501) }],
  ['key.spelling', { HeartbeatInterval: '60' }, { heartbeatInterval: '60' }],
  ['boolean', { LocalPreAuthorize: 'true' }, { LocalPreAuthorize: '1' }],
  ['integer', { HeartbeatInterval: '900' }, { HeartbeatInterval: '09' }],
  ['integer.range', { LightIntensity: '100' }, { LightIntensity: '101' }],
  ['integer.range', { HeartbeatInterval: '4294967' }, { HeartbeatInterval: '4294968' }, 'zaptec-go2'],
  ['integer.range', { HeartbeatInterval: '2147483647' }, { HeartbeatInterval: '2147483648' }, 'generic'],
  ['string.length', { FreeChargingIdTag: 'A'.repeat(20) }, { FreeChargingIdTag: 'A'.repeat(21) }],
  ['csl.format', { MeterValuesSampledData: SAMPLED }, { MeterValuesSampledData: 'Voltage,,Power.Active.Import' }],
  ['csl.duplicate', { MeterValuesAlignedData: 'Voltage' }, { MeterValuesAlignedData: 'Voltage,Voltage' }],
  [
    'csl.maxItems',
    { MeterValuesSampledData: SAMPLED },
    { MeterValuesSampledData: `${SAMPLED},Voltage` },
    'zaptec-go',
    { MeterValuesSampledDataMaxLength: '2' },
  ],
  ['measurand.unknown', { MeterValuesSampledData: SAMPLED }, { MeterValuesSampledData: `${SAMPLED},Voltage.L1` }],
  ['connectorPhaseRotation.format', { ConnectorPhaseRotation: '0.RST, 1.NotApplicable' }, { ConnectorPhaseRotation: 'RST' }],
  ['access.readOnly', { HeartbeatInterval: '900' }, { NumberOfConnectors: '2' }],
  ['access.readOnly', { CpoName: 'ACME' }, { SupportedFeatureProfiles: 'Core' }],
  ['model.keyAbsent', { FreeCharging: 'false' }, { FreeCharging: 'false' }, 'zaptec-pro', undefined, 'zaptec-go2'],
  ['model.keyAbsent', { FreeChargingIdTag: 'FREE' }, { FreeChargingIdTag: 'FREE' }, 'zaptec-pro', undefined, 'zaptec-unknown'],
  ['model.keyAbsent', { HeartbeatInterval: '900' }, { LockCablePermanently: 'true' }, 'generic'],
  [
    'model.keyAbsent',
    { LocalAuthListEnabled: 'true' },
    { LocalAuthListEnabled: 'true' },
    'zaptec-go',
    { SupportedFeatureProfiles: 'Core,SmartCharging' },
    'zaptec-go',
    { SupportedFeatureProfiles: 'Core,LocalAuthListManagement' },
  ],
  [
    'lockCable.unlockOnEvDisconnect',
    { LockCablePermanently: 'true', UnlockConnectorOnEVSideDisconnect: 'false' },
    { LockCablePermanently: 'true', UnlockConnectorOnEVSideDisconnect: 'true' },
  ],
  [
    'lockCable.unlockOnEvDisconnect',
    { LockCablePermanently: 'false', UnlockConnectorOnEVSideDisconnect: 'true' },
    { UnlockConnectorOnEVSideDisconnect: 'true' },
    'zaptec-go',
    { LockCablePermanently: 'true' },
  ],
  ['freeCharging.idTagRequired', { FreeCharging: 'true', FreeChargingIdTag: 'FREE' }, { FreeCharging: 'true', FreeChargingIdTag: '' }],
  ['freeCharging.idTagRequired', { FreeCharging: 'false', FreeChargingIdTag: '' }, { FreeCharging: 'true' }],
  ['freeCharging.idTagRequired', { FreeChargingIdTag: 'OTHER' }, { FreeChargingIdTag: ' ' }, 'zaptec-go', { FreeCharging: 'true', FreeChargingIdTag: 'FREE' }],
  [
    'eagerSample.needsPowerActiveImport',
    { PowerActiveImportDeltaForEagerMeterValueSample: '200', MeterValuesSampledData: SAMPLED },
    { PowerActiveImportDeltaForEagerMeterValueSample: '200', MeterValuesSampledData: 'Energy.Active.Import.Register' },
  ],
  ['eagerSample.needsPowerActiveImport', { PowerActiveImportDeltaForEagerMeterValueSample: '0' }, { PowerActiveImportDeltaForEagerMeterValueSample: '200' }],
  [
    'eagerSample.needsPowerActiveImport',
    { MeterValuesSampledData: 'Voltage,Power.Active.Import' },
    { MeterValuesSampledData: 'Voltage' },
    'zaptec-go',
    { PowerActiveImportDeltaForEagerMeterValueSample: '200' },
  ],
  [
    'stopTxnSampledData.notInSampledData',
    { MeterValuesSampledData: SAMPLED, StopTxnSampledData: 'Power.Active.Import' },
    { MeterValuesSampledData: SAMPLED, StopTxnSampledData: 'Voltage' },
  ],
  [
    'stopTxnSampledData.notInSampledData',
    { MeterValuesSampledData: 'Voltage,Energy.Active.Import.Register' },
    { MeterValuesSampledData: 'Voltage' },
    'generic',
    { StopTxnSampledData: 'Energy.Active.Import.Register' },
  ],
  ['securityProfile.lower', { SecurityProfile: '2' }, { SecurityProfile: '1' }, 'generic', { SecurityProfile: '2' }],
  ['securityProfile.unsupported', { SecurityProfile: '2' }, { SecurityProfile: '3' }, 'zaptec-go2'],
  ['go2.stopTxOnInvalidIdFixed', { StopTransactionOnInvalidId: 'true' }, { StopTransactionOnInvalidId: 'false' }, 'zaptec-go2'],
];

describe.each(CASES.map((c, i) => [`${c[0]} #${i}`, c] as const))('rule %s', (_name, [rule, accepted, refused, model, reported, okModel, okReported]) => {
  it('accepts the valid configuration', () => {
    expect(ruleIds(accepted, okModel ?? model, okReported ?? reported)).toEqual([]);
  });
  it('refuses the invalid one with that rule', () => {
    expect(ruleIds(refused, model, reported)).toContain(rule);
  });
});

describe('validateDesiredConfiguration', () => {
  it('names every refusal with key, value, rule and a sentence', () => {
    const refusals = validateDesiredConfiguration(
      { FreeCharging: 'yes', HeartbeatInterval: '-5', PowerActiveImportDeltaForEagerMeterValueSample: '200', MeterValuesSampledData: 'Voltage' },
      { model: 'zaptec-go' },
    );
    expect(refusals.map((r) => [r.key, r.rule])).toEqual([
      ['FreeCharging', 'boolean'],
      ['HeartbeatInterval', 'integer.range'],
      ['PowerActiveImportDeltaForEagerMeterValueSample', 'eagerSample.needsPowerActiveImport'],
    ]);
    expect(refusals[2]?.message).toMatch(/Power\.Active\.Import.*MeterValuesSampledData/);
    expect(refusals[0]?.value).toBe('yes');
  });

  it('refuses a measurand list with one unsupported measurand as a whole', () => {
    const [r] = validateDesiredConfiguration({ MeterValuesSampledData: 'Voltage,Frequency,Bogus' }, { model: 'generic' });
    expect(r).toMatchObject({ key: 'MeterValuesSampledData', rule: 'measurand.unknown', value: 'Voltage,Frequency,Bogus' });
    expect(r?.message).toContain('Bogus');
  });

  it('lets a Pro keep the Zaptec keys it has but refuses FreeCharging, naming the model', () => {
    const [r] = validateDesiredConfiguration({ FreeCharging: 'true', LockCablePermanently: 'true' }, { model: 'zaptec-pro' });
    expect(r).toMatchObject({ key: 'FreeCharging', rule: 'model.keyAbsent' });
    expect(r?.message).toContain('Zaptec Pro');
    expect(ruleIds({ LockCablePermanently: 'true' }, 'zaptec-pro')).toEqual([]);
  });

  it('accepts unknown vendor keys (only length-checked) and an empty desired configuration', () => {
    expect(ruleIds({ VendorSpecificThing: 'anything' }, 'generic')).toEqual([]);
    expect(ruleIds({})).toEqual([]);
  });

  it('does not refuse switching LockCablePermanently on while the charger still reports Unlock...=true', () => {
    expect(ruleIds({ LockCablePermanently: 'true' }, 'zaptec-go', { UnlockConnectorOnEVSideDisconnect: 'true' })).toEqual([]);
  });

  it('allows raising the security profile and keeping it', () => {
    expect(ruleIds({ SecurityProfile: '1' }, 'zaptec-go', { SecurityProfile: '0' })).toEqual([]);
    expect(ruleIds({ SecurityProfile: '1' }, 'zaptec-go', { SecurityProfile: '1' })).toEqual([]);
  });

  it('lets StopTransactionOnInvalidId=false through on models other than Go 2', () => {
    expect(ruleIds({ StopTransactionOnInvalidId: 'false' }, 'zaptec-go')).toEqual([]);
  });
});

describe('validateKeyValue', () => {
  it('uses reported values for the other side of a cross-key rule', () => {
    expect(validateKeyValue('FreeCharging', 'true', { model: 'zaptec-go', reported: { FreeChargingIdTag: 'FREE' } })).toEqual([]);
    expect(validateKeyValue('FreeCharging', 'true', { model: 'zaptec-go' }).map((r) => r.rule)).toEqual(['freeCharging.idTagRequired']);
  });

  it('refuses an R key and a key the model lacks', () => {
    expect(validateKeyValue('GetConfigurationMaxKeys', '10', { model: 'generic' })[0]?.rule).toBe('access.readOnly');
    expect(validateKeyValue('FreeChargingIdTag', 'FREE', { model: 'zaptec-pro' })[0]?.rule).toBe('model.keyAbsent');
  });
});
