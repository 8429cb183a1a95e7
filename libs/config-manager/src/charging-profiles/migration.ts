import type { MigrationInterface, QueryRunner } from 'typeorm';
import { PROFILE_OUTCOMES, SITE_LIMIT_PROFILE_ID_MIN } from './types.js';

/**
 * Desired charging profiles per group and per charger, and what each charger last answered for each profile
 * (docs/charging-profiles.md). Ids from SITE_LIMIT_PROFILE_ID_MIN up belong to site limits and cannot be stored here.
 */
export class ConfigManagerChargingProfiles1764720000000 implements MigrationInterface {
  name = 'ConfigManagerChargingProfiles1764720000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE config_charging_profiles (
        scope                text NOT NULL CHECK (scope IN ('group', 'charger')),
        scope_id             text NOT NULL,
        charging_profile_id  integer NOT NULL CHECK (charging_profile_id >= 1 AND charging_profile_id < ${SITE_LIMIT_PROFILE_ID_MIN}),
        connector_id         integer NOT NULL CHECK (connector_id >= 0),
        profile              jsonb NOT NULL,
        updated_at           timestamptz NOT NULL DEFAULT now(),
        updated_by           text NOT NULL,
        PRIMARY KEY (scope, scope_id, charging_profile_id)
      )`);
    // action 'clear': the profile left the desired state and ClearChargingProfile is still owed to the charger.
    await q.query(`
      CREATE TABLE config_charging_profile_state (
        charger_id           text NOT NULL,
        charging_profile_id  integer NOT NULL,
        action               text NOT NULL CHECK (action IN ('set', 'clear')),
        profile_hash         text NOT NULL,
        outcome              text NOT NULL CHECK (outcome IN (${PROFILE_OUTCOMES.map((o) => `'${o}'`).join(', ')})),
        message              text NULL,
        at                   timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (charger_id, charging_profile_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS config_charging_profile_state`);
    await q.query(`DROP TABLE IF EXISTS config_charging_profiles`);
  }
}

export const CHARGING_PROFILE_MIGRATIONS = [ConfigManagerChargingProfiles1764720000000];
