import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Frozen copies of what the profile said when this migration was written: a migration does the same thing
 * whenever it runs, whatever later versions of the profile say (a later Zaptec model gets its defaults from the
 * start-up seeding, `ensureModelDefaults`).
 */
const ZAPTEC_MODELS = ['zaptec-go', 'zaptec-go2', 'zaptec-pro', 'zaptec-unknown'];

/**
 * docs/reference/design-decisions.md#boot-provisioning and docs/reference/design-decisions.md#refusals-remembered: a
 * model level between fleet and group (fleet < model < group < charger), and Rejected/NotSupported
 * remembered against the charger's firmware and model.
 *
 * Upgrade: the fleet level was seeded with Zaptec's billing defaults (actor 'reconciler'), which reached every
 * charger, generic ones too. Each fleet key an operator never touched (no `api:` row in the audit trail for it,
 * and not last written by one) moves to every Zaptec model's level; what an operator set at the fleet level stays
 * there. Both moves are audited (actor 'migration'), so the history of a charger shows where its values went.
 */
export class ConfigManagerModelLevel1764416160000 implements MigrationInterface {
  name = 'ConfigManagerModelLevel1764416160000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE config_desired DROP CONSTRAINT IF EXISTS config_desired_scope_check`);
    await q.query(`ALTER TABLE config_desired ADD CONSTRAINT config_desired_scope_check CHECK (scope IN ('fleet', 'model', 'group', 'charger'))`);
    await q.query(`ALTER TABLE config_audit DROP CONSTRAINT IF EXISTS config_audit_scope_check`);
    await q.query(`ALTER TABLE config_audit ADD CONSTRAINT config_audit_scope_check CHECK (scope IS NULL OR scope IN ('fleet', 'model', 'group', 'charger'))`);
    await q.query(`ALTER TABLE config_apply_state ADD COLUMN firmware_version text NULL, ADD COLUMN model text NULL`);
    await q.query(
      `WITH seeded AS (
         SELECT d.key, d.value FROM config_desired d
          WHERE d.scope = 'fleet' AND d.scope_id = '' AND d.updated_by NOT LIKE 'api:%'
            AND NOT EXISTS (SELECT 1 FROM config_audit a WHERE a.scope = 'fleet' AND a.key = d.key AND a.actor LIKE 'api:%')),
       models AS (SELECT unnest($1::text[]) AS m),
       moved AS (
         INSERT INTO config_desired (scope, scope_id, key, value, updated_by)
         SELECT 'model', models.m, seeded.key, seeded.value, 'migration' FROM seeded CROSS JOIN models
         ON CONFLICT DO NOTHING RETURNING scope_id, key, value),
       gone AS (
         DELETE FROM config_desired d USING seeded s
          WHERE d.scope = 'fleet' AND d.scope_id = '' AND d.key = s.key RETURNING d.key, d.value)
       INSERT INTO config_audit (actor, scope, scope_id, key, old_value, new_value, outcome)
       SELECT 'migration', 'fleet', '', key, value, NULL, 'moved to the Zaptec models' FROM gone
       UNION ALL
       SELECT 'migration', 'model', scope_id, key, NULL, value, 'stored' FROM moved`,
      [ZAPTEC_MODELS],
    );
    // Model-level history pages and the seeding's "never touched" check.
    await q.query(`CREATE INDEX config_audit_scope_key_idx ON config_audit (scope, scope_id, key)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS config_audit_scope_key_idx`);
    // Model-level keys go back to the fleet level (one value per key: the Zaptec Go's), as before the upgrade.
    await q.query(
      `INSERT INTO config_desired (scope, scope_id, key, value, updated_by)
       SELECT 'fleet', '', key, value, updated_by FROM config_desired WHERE scope = 'model' AND scope_id = 'zaptec-go'
       ON CONFLICT DO NOTHING`,
    );
    await q.query(`DELETE FROM config_desired WHERE scope = 'model'`);
    await q.query(`DELETE FROM config_audit WHERE scope = 'model'`);
    await q.query(`ALTER TABLE config_apply_state DROP COLUMN IF EXISTS firmware_version, DROP COLUMN IF EXISTS model`);
    await q.query(`ALTER TABLE config_audit DROP CONSTRAINT IF EXISTS config_audit_scope_check`);
    await q.query(`ALTER TABLE config_audit ADD CONSTRAINT config_audit_scope_check CHECK (scope IS NULL OR scope IN ('fleet', 'group', 'charger'))`);
    await q.query(`ALTER TABLE config_desired DROP CONSTRAINT IF EXISTS config_desired_scope_check`);
    await q.query(`ALTER TABLE config_desired ADD CONSTRAINT config_desired_scope_check CHECK (scope IN ('fleet', 'group', 'charger'))`);
  }
}
