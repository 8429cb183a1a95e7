import type { SetChargingProfileRequest } from '#csms/ocpp';

export type CsChargingProfile = SetChargingProfileRequest['csChargingProfiles'];
export type ChargingSchedule = CsChargingProfile['chargingSchedule'];

/** One desired profile as the API takes it: the SetChargingProfile.req payload. */
export interface ProfileInput {
  connectorId: number;
  csChargingProfiles: CsChargingProfile;
}

export type ProfileScope = 'group' | 'charger';

/** A stored desired profile with its level. */
export interface StoredProfile extends ProfileInput {
  scope: ProfileScope;
  scopeId: string;
  updatedAt: string;
  updatedBy: string;
}

/**
 * The last thing that happened to one profile on one charger. The charger's own answers (Accepted, Rejected,
 * NotSupported), a CALLERROR, no answer (timeout, not-connected), and ours: pending (being sent), not-applicable
 * (the model lacks SmartCharging: never sent), not-sent (refused by the charger's reported limits).
 */
export const PROFILE_OUTCOMES = [
  'pending',
  'Accepted',
  'Rejected',
  'NotSupported',
  'CALLERROR',
  'timeout',
  'not-connected',
  'not-applicable',
  'not-sent',
] as const;
export type ProfileOutcome = (typeof PROFILE_OUTCOMES)[number];

/**
 * Profile ids from SITE_LIMIT_PROFILE_ID_MIN up, and TxDefaultProfiles from SITE_LIMIT_STACK_LEVEL up, belong to site
 * limits (load management, a part of its own): this part never stores, sends or clears them
 * (docs/charging-profiles.md#reserved-profile-ids).
 */
export { SITE_LIMIT_PROFILE_ID_MIN, SITE_LIMIT_STACK_LEVEL } from '../site-limits/profiles.js';

/** At most this many profiles at one level (a charger holds MaxChargingProfilesInstalled, 8 on the simulator). */
export const MAX_PROFILES_PER_LEVEL = 32;
