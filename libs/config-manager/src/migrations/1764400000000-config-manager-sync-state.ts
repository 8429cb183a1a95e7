import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each charger's configuration sync state as its last reconciliation left it (desired/sync-state.ts), so the
 * charger list's `drift` filter and the fleet summary count it in SQL instead of computing drift per charger.
 */
export class ConfigManagerSyncState1764400000000 implements MigrationInterface {
  name = 'ConfigManagerSyncState1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE config_sync_state (
        charger_id    text PRIMARY KEY,
        state         text NOT NULL CHECK (state IN ('in-sync', 'drift', 'refused', 'unknown')),
        drifted_keys  text[] NOT NULL DEFAULT '{}',
        updated_at    timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX config_sync_state_state_idx ON config_sync_state (state)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS config_sync_state`);
  }
}
