import type { DataSource } from 'typeorm';
import { sqlOf } from '#csms/persistence';
import { openEmbeddedTestDatabase, type EmbeddedTestDatabase } from '#csms/testing';
import { REGISTRY_MIGRATIONS } from '../../migrations/index.js';
import { DESIRED_MIGRATIONS } from '../migration.js';

export type DesiredTestDatabase = EmbeddedTestDatabase;

/** PGlite on a temp dir with the registry's and desired part's migrations (registry first, as in production). */
export function openDesiredTestDatabase(): Promise<DesiredTestDatabase> {
  return openEmbeddedTestDatabase({
    migrations: [...REGISTRY_MIGRATIONS, ...DESIRED_MIGRATIONS],
    prefix: 'config-desired-test-',
    tables: [
      'config_chargers',
      'config_boot_log',
      'config_desired',
      'config_groups',
      'config_group_members',
      'config_reported',
      'config_apply_state',
      'config_audit',
    ],
  });
}

/** Registers a charger in the registry table as the registry part would after a connect or boot. */
export async function registerCharger(db: DataSource, chargerId: string, model: string, connected = true): Promise<void> {
  await sqlOf(db).execute(
    `INSERT INTO config_chargers (charger_id, model, connected) VALUES ($1, $2, $3)
     ON CONFLICT (charger_id) DO UPDATE SET model = EXCLUDED.model, connected = EXCLUDED.connected`,
    [chargerId, model, connected],
  );
}
