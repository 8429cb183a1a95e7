import { defaultUseAuthorizationKeyWithoutDecoding, validateAuthorizationKey } from './authorization-key.js';
import { crossKeyRefusals } from './cross-key-rules.js';
import { getKeyDefinition } from './keys/registry.js';
import { MAX_KEY_NAME_LENGTH, MAX_VALUE_LENGTH, type KeyDefinition } from './keys/types.js';
import { capabilitiesOf, isZaptec, MODEL_NAMES, type Capabilities } from './models.js';
import { refusal, RULES, type ConfigRefusal, type ValidationContext } from './refusal.js';
import { parseBoolean, parseCsl, parseInteger, validateType } from './value-parsing.js';

/**
 * docs/reference/zaptec-facts.md#factory-configuration: Zaptec intervals range 0 … ~49 days, i.e. 2^32 ms (an
 * inference). A larger value cannot be
 * held by the charger, so it is refused for Zaptec models.
 */
const ZAPTEC_INTERVAL_MAX_S = Math.floor(2 ** 32 / 1000);
const ZAPTEC_RANGES: Readonly<Record<string, { max: number }>> = {
  HeartbeatInterval: { max: ZAPTEC_INTERVAL_MAX_S },
  MeterValueSampleInterval: { max: ZAPTEC_INTERVAL_MAX_S },
};

function capabilitiesFor(context: ValidationContext): Capabilities {
  const listed = context.reported?.['SupportedFeatureProfiles'];
  return capabilitiesOf(context.model, listed === undefined ? undefined : parseCsl(listed));
}

/** Checks of one key and its own value: name, model, access, type, and the rules about that key alone. */
function validateEntry(key: string, value: string, context: ValidationContext, view: Record<string, string>, caps: Capabilities): ConfigRefusal[] {
  if (key.length > MAX_KEY_NAME_LENGTH) {
    return [refusal(key, value, RULES.keyLength, `Configuration key names hold at most ${MAX_KEY_NAME_LENGTH} characters (OCPP 1.6 CiString50).`)];
  }
  const def = getKeyDefinition(key);
  const shown = def?.name === 'AuthorizationKey' ? null : value;
  if (value.length > MAX_VALUE_LENGTH) {
    return [refusal(key, shown, RULES.valueLength, `Configuration values hold at most ${MAX_VALUE_LENGTH} characters (OCPP 1.6 CiString500).`)];
  }
  // A key outside the registry is a vendor key we cannot check: the charger answers NotSupported or Rejected.
  if (!def) return [];
  if (def.name !== key) {
    return [refusal(key, shown, RULES.keySpelling, `Write ${key} as ${def.name}, so that desired and reported keys match.`)];
  }
  const model = MODEL_NAMES[context.model];
  if (!caps.keys.includes(key)) {
    const why =
      def.profile === 'Zaptec' || def.profile === 'Security' || caps.featureProfiles.includes(def.profile)
        ? ''
        : ` (its SupportedFeatureProfiles lacks ${def.profile})`;
    return [refusal(key, shown, RULES.modelKeyAbsent, `${model} has no ${key} configuration key${why}.`)];
  }
  if (def.access === 'R') {
    return [refusal(key, shown, RULES.accessReadOnly, `${key} is read-only: the charger reports it and a desired value cannot be set.`)];
  }
  if (key === 'AuthorizationKey') {
    // A charger without Zaptec's switch gets the strict hex form: per the whitepaper it is hex, and a key whose
    // decoded bytes hold no CTL works whether that charger decodes it or uses the text.
    const mode =
      parseBoolean(view['UseAuthorizationKeyWithoutDecoding'] ?? '') ??
      (isZaptec(context.model) ? defaultUseAuthorizationKeyWithoutDecoding(context.authorizationKeySetBefore ?? false) : false);
    return validateAuthorizationKey(value, mode);
  }
  const typed = validateType(def, value, isZaptec(context.model) ? ZAPTEC_RANGES[key] : undefined);
  if (typed.length > 0) return typed;
  return keyRules(def, value, context, model);
}

function keyRules(def: KeyDefinition, value: string, context: ValidationContext, model: string): ConfigRefusal[] {
  const key = def.name;
  const reported = context.reported ?? {};
  // OCPP 1.6 §9.1: the *MaxLength keys the charger reports bound the matching lists.
  const maxItems = parseInteger(reported[`${key}MaxLength`] ?? '');
  if (def.type.kind === 'csl' && maxItems !== undefined && parseCsl(value).length > maxItems) {
    return [refusal(key, value, RULES.cslMaxItems, `${model} reports ${key}MaxLength=${maxItems}; this list has ${parseCsl(value).length} items.`)];
  }
  if (key === 'SecurityProfile') {
    const current = parseInteger(reported['SecurityProfile'] ?? '');
    const wanted = Number(value);
    if (current !== undefined && wanted < current) {
      return [refusal(key, value, RULES.securityProfileLower, `SecurityProfile can only be raised: the charger is at ${current}, ${value} would lower it.`)];
    }
    // docs/reference/zaptec-facts.md#security: profile 3 is not mentioned for Zaptec (assume absent, no mTLS). A profile is never lowered,
    // so raising a charger to a profile it cannot speak would lock it out for good.
    if (wanted === 3 && isZaptec(context.model)) {
      return [
        refusal(
          key,
          value,
          RULES.securityProfileUnsupported,
          `${model} does not support security profile 3 (mutual TLS); raising to it could lock the charger out.`,
        ),
      ];
    }
  }
  // docs/reference/zaptec-facts.md#transactions-and-authorization: on Go 2 StopTransactionOnInvalidId behaves as true whatever its value.
  if (key === 'StopTransactionOnInvalidId' && value === 'false' && context.model === 'zaptec-go2') {
    return [
      refusal(
        key,
        value,
        RULES.go2StopTxOnInvalidIdFixed,
        'Zaptec Go 2 always stops a transaction whose idTag is found invalid, whatever StopTransactionOnInvalidId says; false would only make the configuration lie.',
      ),
    ];
  }
  return [];
}

function check(candidate: Record<string, string>, context: ValidationContext): ConfigRefusal[] {
  const caps = capabilitiesFor(context);
  const view = { ...(context.reported ?? {}), ...candidate };
  const out: ConfigRefusal[] = [];
  for (const [key, value] of Object.entries(candidate)) out.push(...validateEntry(key, value, context, view, caps));
  return [...out, ...crossKeyRefusals(candidate, view, new Set(out.map((r) => r.key)))];
}

/** Refusals for setting one key to a value on a charger whose other values are context.reported. */
export function validateKeyValue(key: string, value: string, context: ValidationContext): ConfigRefusal[] {
  return check({ [key]: value }, context);
}

/** Refusals for a whole desired configuration: every key, then the rules between keys; [] when it may be stored. */
export function validateDesiredConfiguration(desired: Record<string, string>, context: ValidationContext): ConfigRefusal[] {
  return check(desired, context);
}
