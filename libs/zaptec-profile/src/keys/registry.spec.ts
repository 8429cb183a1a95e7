import { validateKeyValue } from '../validation.js';
import { validateType } from '../value-parsing.js';
import { CORE_KEYS } from './core.js';
import { MEASURANDS } from './measurands.js';
import { OTHER_PROFILE_KEYS } from './other-profiles.js';
import { getKeyDefinition, KEY_REGISTRY, STANDARD_KEYS } from './registry.js';
import { SECURITY_KEYS } from './security.js';
import type { KeyDefinition } from './types.js';
import { ZAPTEC_KEYS } from './zaptec.js';

type Row = [name: string, kind: string, access: string, required: boolean];

// OCPP 1.6 edition 2 §9.1-§9.4, transcribed from the specification's key tables.
const STANDARD: Row[] = [
  ['AllowOfflineTxForUnknownId', 'boolean', 'RW', false],
  ['AuthorizationCacheEnabled', 'boolean', 'RW', false],
  ['AuthorizeRemoteTxRequests', 'boolean', 'RW', true],
  ['BlinkRepeat', 'integer', 'RW', false],
  ['ClockAlignedDataInterval', 'integer', 'RW', true],
  ['ConnectionTimeOut', 'integer', 'RW', true],
  ['ConnectorPhaseRotation', 'csl', 'RW', true],
  ['ConnectorPhaseRotationMaxLength', 'integer', 'R', false],
  ['GetConfigurationMaxKeys', 'integer', 'R', true],
  ['HeartbeatInterval', 'integer', 'RW', true],
  ['LightIntensity', 'integer', 'RW', false],
  ['LocalAuthorizeOffline', 'boolean', 'RW', true],
  ['LocalPreAuthorize', 'boolean', 'RW', true],
  ['MaxEnergyOnInvalidId', 'integer', 'RW', false],
  ['MeterValuesAlignedData', 'csl', 'RW', true],
  ['MeterValuesAlignedDataMaxLength', 'integer', 'R', false],
  ['MeterValuesSampledData', 'csl', 'RW', true],
  ['MeterValuesSampledDataMaxLength', 'integer', 'R', false],
  ['MeterValueSampleInterval', 'integer', 'RW', true],
  ['MinimumStatusDuration', 'integer', 'RW', false],
  ['NumberOfConnectors', 'integer', 'R', true],
  ['ResetRetries', 'integer', 'RW', true],
  ['StopTransactionOnEVSideDisconnect', 'boolean', 'RW', true],
  ['StopTransactionOnInvalidId', 'boolean', 'RW', true],
  ['StopTxnAlignedData', 'csl', 'RW', true],
  ['StopTxnAlignedDataMaxLength', 'integer', 'R', false],
  ['StopTxnSampledData', 'csl', 'RW', true],
  ['StopTxnSampledDataMaxLength', 'integer', 'R', false],
  ['SupportedFeatureProfiles', 'csl', 'R', true],
  ['SupportedFeatureProfilesMaxLength', 'integer', 'R', false],
  ['TransactionMessageAttempts', 'integer', 'RW', true],
  ['TransactionMessageRetryInterval', 'integer', 'RW', true],
  ['UnlockConnectorOnEVSideDisconnect', 'boolean', 'RW', true],
  ['WebSocketPingInterval', 'integer', 'RW', false],
  ['LocalAuthListEnabled', 'boolean', 'RW', true],
  ['LocalAuthListMaxLength', 'integer', 'R', true],
  ['SendLocalListMaxLength', 'integer', 'R', true],
  ['ReserveConnectorZeroSupported', 'boolean', 'R', false],
  ['ChargeProfileMaxStackLevel', 'integer', 'R', true],
  ['ChargingScheduleAllowedChargingRateUnit', 'csl', 'R', true],
  ['ChargingScheduleMaxPeriods', 'integer', 'R', true],
  ['ConnectorSwitch3to1PhaseSupported', 'boolean', 'R', false],
  ['MaxChargingProfilesInstalled', 'integer', 'R', true],
];

const SECURITY: Row[] = [
  ['AdditionalRootCertificateCheck', 'boolean', 'R', false],
  ['AuthorizationKey', 'string', 'W', false],
  ['CertificateSignedMaxChainSize', 'integer', 'R', false],
  ['CertificateStoreMaxLength', 'integer', 'R', false],
  ['CpoName', 'string', 'RW', false],
  ['SecurityProfile', 'integer', 'RW', false],
];

// docs/reference/zaptec-facts.md#zaptec-configuration-keys.
const ZAPTEC: Row[] = [
  ['FreeChargingIdTag', 'string', 'RW', true],
  ['FreeCharging', 'boolean', 'RW', true],
  ['LockCablePermanently', 'boolean', 'RW', true],
  ['PowerActiveImportDeltaForEagerMeterValueSample', 'integer', 'RW', true],
  ['UseAuthorizationKeyWithoutDecoding', 'boolean', 'RW', true],
];

describe('key registry', () => {
  it('holds the 43 standard keys (34 Core + 9 other profiles), 6 security keys and 5 Zaptec keys', () => {
    expect(STANDARD).toHaveLength(43);
    expect(CORE_KEYS).toHaveLength(34);
    expect(OTHER_PROFILE_KEYS).toHaveLength(9);
    expect(STANDARD_KEYS).toHaveLength(43);
    expect(SECURITY_KEYS).toHaveLength(6);
    expect(ZAPTEC_KEYS).toHaveLength(5);
    expect(KEY_REGISTRY.size).toBe(54);
  });

  it.each([...STANDARD, ...SECURITY, ...ZAPTEC])('%s is %s, %s, required=%s', (name, kind, access, required) => {
    const def = KEY_REGISTRY.get(name);
    expect(def).toBeDefined();
    expect([def?.type.kind, def?.access, def?.required]).toEqual([kind, access, required]);
    expect(name.length).toBeLessThanOrEqual(50);
    expect(def?.description.length).toBeGreaterThan(0);
  });

  it('carries the specific types the specification gives', () => {
    expect(getKeyDefinition('MeterValuesSampledData')?.type).toEqual({ kind: 'csl', members: MEASURANDS });
    expect(getKeyDefinition('WebSocketPingInterval')?.type).toMatchObject({ kind: 'integer', unit: 's' });
    expect(getKeyDefinition('SecurityProfile')?.type).toMatchObject({ kind: 'integer', min: 0, max: 3 });
    expect(getKeyDefinition('FreeChargingIdTag')?.type).toEqual({ kind: 'string', maxLength: 20 });
    expect(getKeyDefinition('PowerActiveImportDeltaForEagerMeterValueSample')?.type).toMatchObject({ unit: 'W', min: 0 });
    expect(getKeyDefinition('ChargingScheduleAllowedChargingRateUnit')?.type).toMatchObject({ members: ['Current', 'Power'] });
    expect(getKeyDefinition('UseAuthorizationKeyWithoutDecoding')?.default).toBe('false');
    expect(MEASURANDS).toHaveLength(22);
  });

  it('finds keys case-insensitively (CiString50) and not unknown ones', () => {
    expect(getKeyDefinition('heartbeatinterval')?.name).toBe('HeartbeatInterval');
    expect(getKeyDefinition('NoSuchKey')).toBeUndefined();
  });
});

/** An accepted and a refused value for a key's type, with the rule the refusal must carry. */
function samples(def: KeyDefinition): { ok: string; bad: string; rule: string }[] {
  const t = def.type;
  switch (t.kind) {
    case 'boolean':
      return [
        { ok: 'false', bad: 'yes', rule: 'boolean' },
        { ok: 'true', bad: 'True', rule: 'boolean' },
      ];
    case 'integer': {
      const min = t.min ?? 0;
      const rows = [
        { ok: String(min), bad: '1.5', rule: 'integer' },
        { ok: String(t.max ?? min + 1), bad: String(min - 1), rule: 'integer.range' },
      ];
      if (t.max !== undefined) rows.push({ ok: String(t.max), bad: String(t.max + 1), rule: 'integer.range' });
      return rows;
    }
    case 'string':
      return [{ ok: 'A'.repeat(Math.min(t.maxLength, 20)), bad: 'A'.repeat(t.maxLength + 1), rule: 'string.length' }];
    case 'csl':
      if (def.name === 'ConnectorPhaseRotation') return [{ ok: '0.RST, 1.TSR', bad: '1.XYZ', rule: 'connectorPhaseRotation.format' }];
      return [{ ok: (t.members ?? ['a']).slice(0, 2).join(','), bad: 'Bogus', rule: t.members === MEASURANDS ? 'measurand.unknown' : 'csl.member' }];
  }
}

const everyKey = [...KEY_REGISTRY.values()].filter((d) => d.name !== 'AuthorizationKey'); // see authorization-key.spec.ts
const reported = { MeterValuesSampledData: MEASURANDS.join(','), FreeChargingIdTag: 'FREE' };

describe.each(everyKey.map((d) => [d.name, d] as const))('parsing %s', (_name, def) => {
  it.each(samples(def))('accepts $ok and refuses $bad ($rule)', ({ ok, bad, rule }) => {
    expect(validateType(def, ok)).toEqual([]);
    expect(validateType(def, bad).map((r) => r.rule)).toEqual([rule]);
    if (def.access === 'R') return;
    // generic for standard keys: Zaptec's own limits (e.g. no security profile 3) are covered in validation.spec.ts.
    const model = def.profile === 'Zaptec' ? 'zaptec-go' : 'generic';
    expect(validateKeyValue(def.name, ok, { model, reported })).toEqual([]);
    expect(validateKeyValue(def.name, bad, { model, reported }).map((r) => r.rule)).toContain(bad.length > 500 ? 'value.length' : rule);
  });
});
