/**
 * Shape of one configuration key, as OCPP 1.6 edition 2 §9 and the security whitepaper describe keys:
 * name, type, accessibility, required/optional. Values always travel as strings (docs/reference/protocol-notes.md#configuration-keys).
 */
export type FeatureProfile =
  'Core' | 'LocalAuthListManagement' | 'Reservation' | 'SmartCharging' | 'FirmwareManagement' | 'RemoteTrigger' | 'Security' | 'Zaptec';

export type KeyAccess = 'R' | 'RW' | 'W';

export type KeyType =
  | { kind: 'boolean' }
  | { kind: 'integer'; unit?: string; min?: number; max?: number }
  /** CiString of at most maxLength characters. */
  | { kind: 'string'; maxLength: number }
  /** Comma-separated list; members, when given, is the closed set an item must come from. */
  | { kind: 'csl'; members?: readonly string[]; maxItems?: number };

export interface KeyDefinition {
  name: string;
  type: KeyType;
  access: KeyAccess;
  required: boolean;
  profile: FeatureProfile;
  default?: string;
  description: string;
}

/** docs/reference/protocol-notes.md#configuration-keys: ChangeConfiguration.req key is CiString50, value CiString500. */
export const MAX_KEY_NAME_LENGTH = 50;
export const MAX_VALUE_LENGTH = 500;

/** The feature profile names a charger may list in SupportedFeatureProfiles (OCPP 1.6 §3). */
export const STANDARD_FEATURE_PROFILES = ['Core', 'FirmwareManagement', 'LocalAuthListManagement', 'Reservation', 'SmartCharging', 'RemoteTrigger'] as const;
