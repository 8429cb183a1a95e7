// The charger-side catalogue of configuration keys (OCPP 1.6 §9, security whitepaper keys, Zaptec keys from
// docs/reference/zaptec-facts.md#zaptec-configuration-keys). Kept here rather than shared with the CSMS on purpose (see rpc.ts).
import { SUPPORTED_MEASURANDS, type ModelPreset } from './presets.js';

export type KeyType = 'boolean' | 'integer' | 'string' | 'csl-measurands' | 'csl';
export type Access = 'R' | 'RW' | 'W';

export interface KeyDefinition {
  key: string;
  type: KeyType;
  access: Access;
  defaultValue: string;
  min?: number;
  max?: number;
  maxLength?: number;
}

/**
 * ~49 days in seconds: the range Zaptec quotes for its intervals matches 2^32 ms (inference;
 * docs/reference/zaptec-facts.md#factory-configuration).
 */
const MAX_INTERVAL_S = 4_294_967;

function bool(key: string, defaultValue: boolean, access: Access = 'RW'): KeyDefinition {
  return { key, type: 'boolean', access, defaultValue: String(defaultValue) };
}
function int(key: string, defaultValue: number, min: number, max: number, access: Access = 'RW'): KeyDefinition {
  return { key, type: 'integer', access, defaultValue: String(defaultValue), min, max };
}

export const ZAPTEC_KEYS = [
  'FreeCharging',
  'FreeChargingIdTag',
  'LockCablePermanently',
  'PowerActiveImportDeltaForEagerMeterValueSample',
  'UseAuthorizationKeyWithoutDecoding',
] as const;

/**
 * `certificateStore`: a charger with the security extension's certificate management (not a Zaptec fact:
 * docs/reference/zaptec-facts.md#capabilities-per-model lists no PKI), which reports its certificate-store keys
 * and so takes SignedUpdateFirmware (docs/reference/protocol-notes.md#signed-firmware).
 */
export function keyDefinitionsFor(preset: ModelPreset, certificateStore = false): KeyDefinition[] {
  const defs: KeyDefinition[] = [
    int('HeartbeatInterval', 86_400, 0, MAX_INTERVAL_S),
    int('MeterValueSampleInterval', preset.meterValueSampleInterval, 0, MAX_INTERVAL_S),
    // UNCERTAIN defaults: Zaptec documents the keys as settable but not their defaults
    // (docs/reference/zaptec-facts.md#factory-configuration).
    {
      key: 'MeterValuesSampledData',
      type: 'csl-measurands',
      access: 'RW',
      defaultValue: 'Energy.Active.Import.Register,Power.Active.Import,Current.Import,Voltage',
    },
    { key: 'MeterValuesAlignedData', type: 'csl-measurands', access: 'RW', defaultValue: 'Energy.Active.Import.Register' },
    { key: 'StopTxnSampledData', type: 'csl-measurands', access: 'RW', defaultValue: 'Energy.Active.Import.Register' },
    { key: 'StopTxnAlignedData', type: 'csl-measurands', access: 'RW', defaultValue: '' },
    int('ClockAlignedDataInterval', 0, 0, MAX_INTERVAL_S),
    int('NumberOfConnectors', 1, 1, 1, 'R'),
    { key: 'SupportedFeatureProfiles', type: 'csl', access: 'R', defaultValue: preset.featureProfiles.join(',') },
    bool('UnlockConnectorOnEVSideDisconnect', true),
    bool('StopTransactionOnEVSideDisconnect', true),
    bool('StopTransactionOnInvalidId', true),
    // UNCERTAIN default; the thinning rule itself is Go 2's (docs/reference/zaptec-facts.md#metering).
    int('StopTransactionMaxMeterValues', 20, 0, 1000),
    bool('AuthorizeRemoteTxRequests', false),
    bool('LocalAuthorizeOffline', true),
    bool('LocalPreAuthorize', true),
    int('ConnectionTimeOut', 30, 1, 3600),
    int('WebSocketPingInterval', 0, 0, MAX_INTERVAL_S),
    int('TransactionMessageAttempts', 3, 1, 100),
    int('TransactionMessageRetryInterval', 60, 0, MAX_INTERVAL_S),
    // UNCERTAIN value. The CSMS must request keys in pages of at most this many (requests with more are refused).
    int('GetConfigurationMaxKeys', 20, 1, 1000, 'R'),
    // Security whitepaper keys. Profile 3 is not mentioned by Zaptec: assumed absent (docs/reference/zaptec-facts.md#security).
    int('SecurityProfile', 0, 0, 2),
    { key: 'AuthorizationKey', type: 'string', access: 'W', defaultValue: '' },
  ];
  if (certificateStore) defs.push(int('CertificateStoreMaxLength', 10, 1, 10, 'R'), int('CertificateSignedMaxChainSize', 5500, 1, 10_000, 'R'));
  if (preset.featureProfiles.includes('SmartCharging')) {
    defs.push(
      int('ChargeProfileMaxStackLevel', 8, 8, 8, 'R'),
      { key: 'ChargingScheduleAllowedChargingRateUnit', type: 'csl', access: 'R', defaultValue: 'Current,Power' },
      int('ChargingScheduleMaxPeriods', 24, 24, 24, 'R'),
      int('MaxChargingProfilesInstalled', 8, 8, 8, 'R'),
    );
  }
  if (preset.featureProfiles.includes('Reservation')) defs.push(bool('ReserveConnectorZeroSupported', false, 'R'));
  // The five Zaptec keys (docs/reference/zaptec-facts.md#zaptec-configuration-keys); the Pro lacks
  // FreeCharging/FreeChargingIdTag (docs/reference/zaptec-facts.md#capabilities-per-model).
  if (preset.hasFreeCharging) {
    defs.push(
      bool('FreeCharging', false),
      // UNCERTAIN default tag text.
      { key: 'FreeChargingIdTag', type: 'string', access: 'RW', defaultValue: 'FreeCharging', maxLength: 20 },
    );
  }
  defs.push(
    bool('LockCablePermanently', false),
    int('PowerActiveImportDeltaForEagerMeterValueSample', 0, 0, 2_147_483_647),
    // Value is computed by the store (default flips after the first key); 'false' is a placeholder.
    bool('UseAuthorizationKeyWithoutDecoding', false),
  );
  return defs;
}

/** Checks a value against its key's type; returns the normalised value or undefined when it is invalid. */
export function normaliseValue(def: KeyDefinition, raw: string): string | undefined {
  switch (def.type) {
    case 'boolean': {
      const v = raw.trim().toLowerCase();
      return v === 'true' || v === 'false' ? v : undefined;
    }
    case 'integer': {
      if (!/^[+-]?\d+$/.test(raw.trim())) return undefined;
      const n = Number(raw.trim());
      if (!Number.isSafeInteger(n)) return undefined;
      if (def.min !== undefined && n < def.min) return undefined;
      if (def.max !== undefined && n > def.max) return undefined;
      return String(n);
    }
    case 'csl-measurands': {
      if (raw.trim() === '') return '';
      const items = raw.split(',').map((s) => s.trim());
      const known: readonly string[] = SUPPORTED_MEASURANDS;
      // OCPP 1.6 §9: a list with an unsupported measurand is rejected as a whole.
      if (items.some((m) => !known.includes(m))) return undefined;
      return items.join(',');
    }
    case 'csl':
    case 'string':
      if (def.maxLength !== undefined && raw.length > def.maxLength) return undefined;
      return raw;
  }
}
