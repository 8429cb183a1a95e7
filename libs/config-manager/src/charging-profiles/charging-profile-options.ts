/** What the charging-profiles part is given by ConfigManagerModule (from the desired part's options). */
export interface ChargingProfileOptions {
  /** How long a SetChargingProfile, ClearChargingProfile or GetCompositeSchedule waits for the charger's answer. */
  commandTimeoutMs: number;
}

export const CHARGING_PROFILE_OPTIONS = Symbol.for('csms.config-manager.charging-profile-options');
