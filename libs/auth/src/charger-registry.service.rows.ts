import { describeTable } from '#csms/persistence';

/* The tables this store owns: its row types and their columns (libs/persistence/README.md). */

export type SecurityProfile = 0 | 1 | 2 | 3;
export type RegistrationState = 'accepted' | 'pending' | 'blocked';
export const REGISTRATION_STATES: readonly RegistrationState[] = ['accepted', 'pending', 'blocked'];
/** Outcome of the last SendLocalList, plus ours: not connected, or more tags than the charger takes. */
export type LocalListOutcome = 'Accepted' | 'Failed' | 'NotSupported' | 'VersionMismatch' | 'not-connected' | 'TooManyTags';
export type RotationState = 'idle' | 'sending' | 'accepted' | 'rejected' | 'not-supported' | 'timeout' | 'abandoned';

/** A charger's credentials and the facts auth needs about it. Passwords only as salted hashes. */
export interface AuthChargersRow {
  /** Canonical identity (legacy `zap…` stored as `ZAP…`). */
  charger_id: string;
  security_profile: SecurityProfile;
  registration_state: RegistrationState;
  /** Zaptec UseAuthorizationKeyWithoutDecoding as last reported or set; null = unknown (use the Zaptec default). */
  use_authorization_key_without_decoding: boolean | null;
  /** Whether an AuthorizationKey was ever set: drives the Zaptec default of the decoding switch. */
  authorization_key_set_before: boolean;
  password_hash: string | null;
  /** Hash of the new password while a rotation may still put it on the charger. */
  pending_password_hash: string | null;
  /** Guards late command replies: only the rotation that is still current may change the state. */
  rotation_id: string | null;
  rotation_state: RotationState;
  /** Decoding mode the pending key was derived with. */
  rotation_without_decoding: boolean | null;
  rotation_outcome: string | null;
  rotation_started_at: Date | null;
  rotation_updated_at: Date | null;
  /** When the charger first authenticated with the new password (the old one stopped working). */
  rotation_completed_at: Date | null;
  /** Reported Zaptec FreeCharging / FreeChargingIdTag (config-manager, after GetConfiguration). */
  free_charging: boolean | null;
  free_charging_id_tag: string | null;
  reported_at: Date | null;
  created_at: Date;
  /**
   * Local authorization list group: the charger's list is the idTags of this group
   * (docs/reference/design-decisions.md#driver-authorization).
   */
  auth_group: string | null;
  /** listVersion of the last SendLocalList the charger Accepted (0: none yet). */
  local_list_version: number;
  local_list_outcome: LocalListOutcome | null;
  local_list_detail: string | null;
  local_list_updated_at: Date | null;
  /** Reported SendLocalListMaxLength / LocalAuthListMaxLength; null = unknown. */
  send_local_list_max_length: number | null;
  local_auth_list_max_length: number | null;
  /** Registered by UNKNOWN_CHARGERS and not yet booted nor registered by an operator: removed after a while. */
  provisional: boolean;
}

export const AUTH_CHARGERS_TABLE = describeTable<AuthChargersRow>()('auth_chargers', {
  charger_id: 'text',
  security_profile: 'smallint',
  registration_state: 'text',
  use_authorization_key_without_decoding: 'boolean null',
  authorization_key_set_before: 'boolean',
  password_hash: 'text null',
  pending_password_hash: 'text null',
  rotation_id: 'uuid null',
  rotation_state: 'text',
  rotation_without_decoding: 'boolean null',
  rotation_outcome: 'text null',
  rotation_started_at: 'timestamp with time zone null',
  rotation_updated_at: 'timestamp with time zone null',
  rotation_completed_at: 'timestamp with time zone null',
  free_charging: 'boolean null',
  free_charging_id_tag: 'text null',
  reported_at: 'timestamp with time zone null',
  created_at: 'timestamp with time zone',
  auth_group: 'text null',
  local_list_version: 'integer',
  local_list_outcome: 'text null',
  local_list_detail: 'text null',
  local_list_updated_at: 'timestamp with time zone null',
  send_local_list_max_length: 'integer null',
  local_auth_list_max_length: 'integer null',
  provisional: 'boolean',
});
