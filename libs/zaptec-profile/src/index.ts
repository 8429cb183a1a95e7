export type { FeatureProfile, KeyAccess, KeyType, KeyDefinition } from './keys/types.js';
export { MAX_KEY_NAME_LENGTH, MAX_VALUE_LENGTH, STANDARD_FEATURE_PROFILES } from './keys/types.js';
export { MEASURANDS, MEASURAND_LIST_KEYS } from './keys/measurands.js';
export { KEY_REGISTRY, STANDARD_KEYS, getKeyDefinition } from './keys/registry.js';
export { CORE_KEYS } from './keys/core.js';
export { OTHER_PROFILE_KEYS } from './keys/other-profiles.js';
export { SECURITY_KEYS } from './keys/security.js';
export { ZAPTEC_KEYS } from './keys/zaptec.js';
export type { ConfigRefusal, ValidationContext, RuleId } from './refusal.js';
export { RULES } from './refusal.js';
export { parseBoolean, parseInteger, parseCsl } from './value-parsing.js';
export { validateKeyValue, validateDesiredConfiguration } from './validation.js';
export {
  validateAuthorizationKey,
  expectedPasswordBytes,
  defaultUseAuthorizationKeyWithoutDecoding,
  AuthorizationKeyError,
  AUTHORIZATION_KEY_MIN_BYTES,
  AUTHORIZATION_KEY_MAX_BYTES,
  AUTHORIZATION_KEY_MAX_TEXT_LENGTH,
} from './authorization-key.js';
export type { ChargerModel, BootIdentity, Capabilities } from './models.js';
export {
  CHARGER_MODELS,
  MODEL_NAMES,
  NEVER_REPORTS,
  isZaptec,
  firmwareMajor,
  detectModel,
  canonicalIdentity,
  capabilitiesOf,
  isActionSupported,
} from './models.js';
export type { ActionDefinition, ActionDirection } from './actions.js';
export { ACTIONS } from './actions.js';
export { orderForApply, effectiveAccess } from './apply-order.js';
export { ZAPTEC_BILLING_DEFAULTS, MODELS_WITH_BILLING_DEFAULTS, billingDefaultsOf, factoryDefaultsOf } from './provisioning.js';
export { CERTIFICATE_STORE_KEYS, signedFirmwareSupport } from './signed-firmware.js';
