import { describeTable } from '#csms/persistence';
import type { CsChargingProfile, ProfileOutcome, ProfileScope } from './types.js';

/* The tables this store owns: its row types and their columns (libs/persistence/README.md). */

/** A row of config_charging_profiles (all its columns). */
export interface ConfigChargingProfilesRow {
  scope: ProfileScope;
  scope_id: string;
  charging_profile_id: number;
  connector_id: number;
  profile: CsChargingProfile;
  updated_at: Date;
  updated_by: string;
}

export const CONFIG_CHARGING_PROFILES_TABLE = describeTable<ConfigChargingProfilesRow>()('config_charging_profiles', {
  scope: 'text',
  scope_id: 'text',
  charging_profile_id: 'integer',
  connector_id: 'integer',
  profile: 'jsonb',
  updated_at: 'timestamp with time zone',
  updated_by: 'text',
});

/** A row of config_charging_profile_state (all its columns). action 'clear': ClearChargingProfile is still owed. */
export interface ConfigChargingProfileStateRow {
  charger_id: string;
  charging_profile_id: number;
  action: 'set' | 'clear';
  profile_hash: string;
  outcome: ProfileOutcome;
  message: string | null;
  at: Date;
}

export const CONFIG_CHARGING_PROFILE_STATE_TABLE = describeTable<ConfigChargingProfileStateRow>()('config_charging_profile_state', {
  charger_id: 'text',
  charging_profile_id: 'integer',
  action: 'text',
  profile_hash: 'text',
  outcome: 'text',
  message: 'text null',
  at: 'timestamp with time zone',
});
