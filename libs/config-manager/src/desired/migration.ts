import type { MigrationInterface, QueryRunner } from 'typeorm';
import { ConfigManagerModelLevel1764416160000 } from './model-level.migration.js';

/** Desired configuration (three levels), groups, reported snapshots, per-key apply outcomes, audit trail. */
export class ConfigManagerDesiredInit1764200000000 implements MigrationInterface {
  name = 'ConfigManagerDesiredInit1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE config_desired (
        scope       text NOT NULL CHECK (scope IN ('fleet', 'group', 'charger')),
        scope_id    text NOT NULL,
        key         text NOT NULL,
        value       text NOT NULL,
        updated_at  timestamptz NOT NULL DEFAULT now(),
        updated_by  text NOT NULL,
        PRIMARY KEY (scope, scope_id, key),
        CHECK (scope <> 'fleet' OR scope_id = '')
      )`);
    await q.query(`
      CREATE TABLE config_groups (
        name        text PRIMARY KEY,
        created_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE config_group_members (
        charger_id  text PRIMARY KEY,
        group_name  text NOT NULL REFERENCES config_groups (name) ON DELETE CASCADE,
        added_at    timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX config_group_members_group_idx ON config_group_members (group_name)`);
    await q.query(`
      CREATE TABLE config_reported (
        charger_id   text NOT NULL,
        key          text NOT NULL,
        value        text NULL,
        readonly     boolean NOT NULL,
        reported_at  timestamptz NOT NULL,
        PRIMARY KEY (charger_id, key)
      )`);
    await q.query(`
      CREATE TABLE config_apply_state (
        charger_id     text NOT NULL,
        key            text NOT NULL,
        desired_value  text NOT NULL,
        outcome        text NOT NULL CHECK (outcome IN ('Accepted', 'RebootRequired', 'Rejected', 'NotSupported', 'timeout', 'not-connected', 'pending')),
        at             timestamptz NOT NULL,
        message        text NULL,
        PRIMARY KEY (charger_id, key)
      )`);
    await q.query(`
      CREATE TABLE config_audit (
        id          bigserial PRIMARY KEY,
        at          timestamptz NOT NULL DEFAULT now(),
        actor       text NOT NULL,
        charger_id  text NULL,
        scope       text NULL CHECK (scope IS NULL OR scope IN ('fleet', 'group', 'charger')),
        scope_id    text NULL,
        key         text NOT NULL,
        old_value   text NULL,
        new_value   text NULL,
        outcome     text NOT NULL
      )`);
    // History pages: per charger, and per level for the fleet/group changes that reach a charger.
    await q.query(`CREATE INDEX config_audit_charger_idx ON config_audit (charger_id, id DESC)`);
    await q.query(`CREATE INDEX config_audit_scope_idx ON config_audit (scope, scope_id, id DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS config_audit`);
    await q.query(`DROP TABLE IF EXISTS config_apply_state`);
    await q.query(`DROP TABLE IF EXISTS config_reported`);
    await q.query(`DROP TABLE IF EXISTS config_group_members`);
    await q.query(`DROP TABLE IF EXISTS config_groups`);
    await q.query(`DROP TABLE IF EXISTS config_desired`);
  }
}

export { ConfigManagerModelLevel1764416160000 };
export const DESIRED_MIGRATIONS = [ConfigManagerDesiredInit1764200000000, ConfigManagerModelLevel1764416160000];
