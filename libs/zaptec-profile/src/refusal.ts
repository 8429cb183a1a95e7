import type { ChargerModel } from './models.js';

/**
 * One refused desired key. `rule` is a stable id (see RULES) that callers and tests match on; `message`
 * is a sentence for the operator. `value` is null when the refused key is absent from the checked set,
 * and for AuthorizationKey, whose value is a secret and is never echoed (docs/reference/protocol-notes.md#authorizationkey).
 */
export interface ConfigRefusal {
  key: string;
  value: string | null;
  rule: string;
  message: string;
}

export interface ValidationContext {
  model: ChargerModel;
  /** The charger's last reported configuration; fills cross-key rules where desired lacks a key. */
  reported?: Record<string, string>;
  /** Whether an AuthorizationKey was ever set on this charger (decides UseAuthorizationKeyWithoutDecoding's default). */
  authorizationKeySetBefore?: boolean;
}

/** Every rule id this library produces. */
export const RULES = {
  keyLength: 'key.length',
  keySpelling: 'key.spelling',
  valueLength: 'value.length',
  boolean: 'boolean',
  integer: 'integer',
  integerRange: 'integer.range',
  stringLength: 'string.length',
  cslFormat: 'csl.format',
  cslMember: 'csl.member',
  cslDuplicate: 'csl.duplicate',
  cslMaxItems: 'csl.maxItems',
  measurandUnknown: 'measurand.unknown',
  connectorPhaseRotationFormat: 'connectorPhaseRotation.format',
  accessReadOnly: 'access.readOnly',
  modelKeyAbsent: 'model.keyAbsent',
  lockCableUnlockOnEvDisconnect: 'lockCable.unlockOnEvDisconnect',
  freeChargingIdTagRequired: 'freeCharging.idTagRequired',
  eagerSampleNeedsPowerActiveImport: 'eagerSample.needsPowerActiveImport',
  stopTxnSampledDataNotSampled: 'stopTxnSampledData.notInSampledData',
  securityProfileLower: 'securityProfile.lower',
  securityProfileUnsupported: 'securityProfile.unsupported',
  authorizationKeyHex: 'authorizationKey.hex',
  authorizationKeyLength: 'authorizationKey.length',
  authorizationKeyControl: 'authorizationKey.control',
  authorizationKeyAscii: 'authorizationKey.ascii',
  go2StopTxOnInvalidIdFixed: 'go2.stopTxOnInvalidIdFixed',
} as const;

export type RuleId = (typeof RULES)[keyof typeof RULES];

export function refusal(key: string, value: string | null, rule: RuleId, message: string): ConfigRefusal {
  return { key, value, rule, message };
}
