import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Site limits (docs/site-limits.md): one row per limited group, one per running transaction on a member of such a
 * group (what the allocator needs: the offer the charger accepted, the last Current.Import, its place in the
 * rotation; `raised_at`: when its offer last rose, the readings before it say nothing about the car's demand), one per member with the fallback TxDefaultProfile it accepted. `lease_until`: one replica allocates a
 * group at a time.
 */
export class ConfigManagerSiteLimits1764720000000 implements MigrationInterface {
  name = 'ConfigManagerSiteLimits1764720000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE config_site_limits (
        group_name      text PRIMARY KEY REFERENCES config_groups (name) ON DELETE CASCADE,
        limit_a         double precision NOT NULL CHECK (limit_a > 0),
        rotation_s      integer NOT NULL CHECK (rotation_s > 0),
        lease_until     timestamptz,
        allocated_at    timestamptz,
        updated_by      text,
        created_at      timestamptz NOT NULL DEFAULT now(),
        updated_at      timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE config_site_limit_sessions (
        charger_id      text NOT NULL,
        connector_id    integer NOT NULL,
        transaction_id  integer NOT NULL,
        started_at      timestamptz NOT NULL,
        state           text NOT NULL DEFAULT 'new' CHECK (state IN ('new', 'charging', 'waiting')),
        offered_a       double precision,
        offered_at      timestamptz,
        raised_at       timestamptz,
        self_limited    boolean NOT NULL DEFAULT false,
        running_since   timestamptz,
        waiting_since   timestamptz,
        turns           integer NOT NULL DEFAULT 0,
        measured        jsonb,
        measured_a      double precision,
        measured_at     timestamptz,
        last_error      text,
        PRIMARY KEY (charger_id, connector_id)
      )`);
    await q.query(`
      CREATE TABLE config_site_limit_fallbacks (
        charger_id      text PRIMARY KEY,
        group_name      text NOT NULL,
        limit_a         integer NOT NULL,
        outcome         text NOT NULL,
        sent_at         timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS config_site_limit_fallbacks`);
    await q.query(`DROP TABLE IF EXISTS config_site_limit_sessions`);
    await q.query(`DROP TABLE IF EXISTS config_site_limits`);
  }
}
