import { ACTIONS } from './actions.js';
import { KEY_REGISTRY } from './keys/registry.js';
import { STANDARD_FEATURE_PROFILES } from './keys/types.js';

export type ChargerModel = 'zaptec-go' | 'zaptec-go2' | 'zaptec-pro' | 'zaptec-unknown' | 'generic';

export const CHARGER_MODELS: readonly ChargerModel[] = ['zaptec-go', 'zaptec-go2', 'zaptec-pro', 'zaptec-unknown', 'generic'];

export const MODEL_NAMES: Readonly<Record<ChargerModel, string>> = {
  'zaptec-go': 'Zaptec Go',
  'zaptec-go2': 'Zaptec Go 2',
  'zaptec-pro': 'Zaptec Pro',
  'zaptec-unknown': 'Zaptec (unknown model, treated as Go)',
  generic: 'generic OCPP 1.6J charger',
};

export const isZaptec = (model: ChargerModel): boolean => model !== 'generic';

export interface BootIdentity {
  identity: string;
  chargePointVendor?: string;
  chargePointModel?: string;
  chargePointSerialNumber?: string;
  firmwareVersion?: string;
}

/** Leading major version number of a firmware string ("3.2.1.0", "v2.4.2.4"); undefined when there is none. */
export function firmwareMajor(firmwareVersion: string | undefined): number | undefined {
  const m = /^\D*(\d+)/.exec(firmwareVersion ?? '');
  return m ? Number(m[1]) : undefined;
}

/**
 * docs/reference/design-decisions.md#zaptec-chargers: ZPR/ZPG (identity or serial) is a Pro
 * (docs/reference/zaptec-facts.md#models-firmware-and-serials: "Pro (serial ZPR080000+ and ZPG)");
 * ZAP with firmware major >= 3 is a Go 2 (Go 2 firmware is 3.x, Go 2.x); vendor Zaptec otherwise is an
 * unknown Zaptec treated as Go; anything else generic. Prefixes match in any case: legacy mode lower-cases
 * Zaptec's prefix (docs/reference/zaptec-facts.md#legacy-identities). A ZAP charger without a firmware version (or a vendor-Zaptec charger
 * whose identity says nothing) falls back to chargePointModel ("Go 2", "Go", "Pro"), else zaptec-unknown.
 */
export function detectModel(boot: BootIdentity): ChargerModel {
  const ids = [boot.identity, boot.chargePointSerialNumber ?? ''].map((s) => s.trim().toUpperCase());
  if (ids.some((s) => s.startsWith('ZPR') || s.startsWith('ZPG'))) return 'zaptec-pro';
  const zap = ids.some((s) => s.startsWith('ZAP'));
  const vendorZaptec = /zaptec/i.test(boot.chargePointVendor ?? '');
  if (!zap && !vendorZaptec) return 'generic';
  const major = firmwareMajor(boot.firmwareVersion);
  if (zap && major !== undefined) return major >= 3 ? 'zaptec-go2' : 'zaptec-go';
  const model = boot.chargePointModel ?? '';
  if (/\bpro\b/i.test(model)) return 'zaptec-pro';
  if (/\bgo\s*2\b/i.test(model)) return 'zaptec-go2';
  if (/\bgo\b/i.test(model)) return 'zaptec-go';
  return 'zaptec-unknown';
}

/**
 * docs/reference/design-decisions.md#zaptec-chargers / docs/reference/zaptec-facts.md#legacy-identities: Zaptec's
 * legacy identity mode sent the device id with a lowercase
 * prefix (ZAP123XYZ as zap123XYZ) and stays on for older installations until toggled off; whether it affects
 * box-level connections is UNCERTAIN, so both forms are one charger. Only the `zap` prefix is upper-cased; the
 * rest of the identity is kept as sent. Off (legacyAliases = false) returns the identity unchanged.
 */
export function canonicalIdentity(identity: string, legacyAliases = true): string {
  return legacyAliases && identity.startsWith('zap') ? 'ZAP' + identity.slice(3) : identity;
}

export interface Capabilities {
  model: ChargerModel;
  /** Configuration keys the charger has. */
  keys: string[];
  /** Actions (either direction) the charger does not support. */
  unsupportedActions: string[];
  /** Things the charger never reports, so the CSMS must not wait for them. */
  neverReports: string[];
  /** Standard feature profiles (SupportedFeatureProfiles names) the charger supports. */
  featureProfiles: string[];
}

export const NEVER_REPORTS = {
  /** docs/reference/zaptec-facts.md#capabilities-per-model: all box-level models report only Available/Unavailable on connector 0. */
  faultedOnConnectorZero: 'Faulted on connector 0',
  /** docs/reference/zaptec-facts.md#capabilities-per-model: Pro errors light the LED but send no Faulted StatusNotification. */
  faulted: 'Faulted',
  /** docs/reference/zaptec-facts.md#capabilities-per-model: Go 2 does not implement the LockFailure error code. */
  lockFailure: 'LockFailure',
} as const;

const ZAPTEC_ONLY_KEYS = new Set([...KEY_REGISTRY.values()].filter((d) => d.profile === 'Zaptec').map((d) => d.name));
const NARROWABLE = new Set<string>(STANDARD_FEATURE_PROFILES.filter((p) => p !== 'Core'));

interface ModelFacts {
  absentKeys: readonly string[];
  unsupportedActions: readonly string[];
  neverReports: readonly string[];
}

const FACTS: Readonly<Record<ChargerModel, ModelFacts>> = {
  'zaptec-go': { absentKeys: [], unsupportedActions: [], neverReports: [NEVER_REPORTS.faultedOnConnectorZero] },
  'zaptec-go2': {
    absentKeys: [],
    unsupportedActions: [],
    neverReports: [NEVER_REPORTS.faultedOnConnectorZero, NEVER_REPORTS.lockFailure],
  },
  'zaptec-pro': {
    absentKeys: ['FreeCharging', 'FreeChargingIdTag'],
    unsupportedActions: ['GetDiagnostics'],
    neverReports: [NEVER_REPORTS.faultedOnConnectorZero, NEVER_REPORTS.faulted],
  },
  'zaptec-unknown': { absentKeys: [], unsupportedActions: [], neverReports: [NEVER_REPORTS.faultedOnConnectorZero] },
  generic: { absentKeys: [...ZAPTEC_ONLY_KEYS], unsupportedActions: [], neverReports: [] },
};

/**
 * The capability matrix of a model. Until SupportedFeatureProfiles is read, every standard profile is assumed
 * (Zaptec's pages do not list profiles per model: UNCERTAIN; refusing a command that would have worked is worse
 * than the charger answering NotImplemented). Once read, a profile not listed removes its actions and keys;
 * Core is mandatory in OCPP 1.6 and always kept; unknown profile names are ignored.
 */
export function capabilitiesOf(model: ChargerModel, supportedFeatureProfiles?: string[]): Capabilities {
  const facts = FACTS[model];
  const listed = supportedFeatureProfiles?.map((p) => p.trim());
  const featureProfiles: string[] = STANDARD_FEATURE_PROFILES.filter((p) => p === 'Core' || !listed || listed.includes(p));
  const lacks = (profile: string): boolean => NARROWABLE.has(profile) && !featureProfiles.includes(profile);
  const keys = [...KEY_REGISTRY.values()].filter((d) => !facts.absentKeys.includes(d.name) && !lacks(d.profile)).map((d) => d.name);
  const unsupportedActions = Object.entries(ACTIONS)
    .filter(([name, def]) => facts.unsupportedActions.includes(name) || lacks(def.profile))
    .map(([name]) => name);
  return { model, keys, unsupportedActions, neverReports: [...facts.neverReports], featureProfiles };
}

export function isActionSupported(caps: Capabilities, action: string): { ok: true } | { ok: false; reason: string } {
  const def = ACTIONS[action];
  const name = MODEL_NAMES[caps.model];
  if (!def) return { ok: false, reason: `${action} is not an OCPP 1.6J action.` };
  if (!caps.unsupportedActions.includes(action)) return { ok: true };
  if (NARROWABLE.has(def.profile) && !caps.featureProfiles.includes(def.profile)) {
    return { ok: false, reason: `${name} does not support ${action}: its SupportedFeatureProfiles lacks ${def.profile}.` };
  }
  return { ok: false, reason: `${name} does not support ${action}.` };
}
