import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { openDataSource, sqlOf } from '#csms/persistence';
import { REGISTRY_MIGRATIONS } from '../../migrations/index.js';
import { DESIRED_MIGRATIONS } from '../migration.js';

export interface DesiredTestDatabase {
  db: DataSource;
  reset(): Promise<void>;
  close(): Promise<void>;
}

/** PGlite on a temp dir with every config-manager migration (registry first, as in production). */
export async function openDesiredTestDatabase(): Promise<DesiredTestDatabase> {
  const dataDir = mkdtempSync(join(tmpdir(), 'config-desired-test-'));
  const db = await openDataSource({
    dataDir,
    migrations: [...REGISTRY_MIGRATIONS, ...DESIRED_MIGRATIONS],
  });
  return {
    db,
    reset: async () => {
      await sqlOf(db).execute(`TRUNCATE config_chargers, config_boot_log, config_desired, config_groups, config_group_members,
        config_reported, config_apply_state, config_audit`);
    },
    close: async () => {
      await db.destroy();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Registers a charger in the registry table as the registry part would after a connect or boot. */
export async function registerCharger(db: DataSource, chargerId: string, model: string, connected = true): Promise<void> {
  await sqlOf(db).execute(
    `INSERT INTO config_chargers (charger_id, model, connected) VALUES ($1, $2, $3)
     ON CONFLICT (charger_id) DO UPDATE SET model = EXCLUDED.model, connected = EXCLUDED.connected`,
    [chargerId, model, connected],
  );
}
