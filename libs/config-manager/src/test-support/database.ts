import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { openDataSource } from '#csms/persistence';
import { CONFIG_MANAGER_ENTITIES, CONFIG_MANAGER_MIGRATIONS } from '../index.js';

/** Unit tests' real database: embedded PGlite on a temp dir, schema from the real migrations. */
export interface TestDatabase {
  db: DataSource;
  /** Empties the tables between tests. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

export async function openTestDatabase(): Promise<TestDatabase> {
  const dataDir = mkdtempSync(join(tmpdir(), 'config-manager-test-'));
  const db = await openDataSource({ dataDir, entities: CONFIG_MANAGER_ENTITIES, migrations: CONFIG_MANAGER_MIGRATIONS });
  return {
    db,
    reset: async () => {
      await db.query('TRUNCATE config_chargers, config_boot_log, config_desired, config_groups, config_group_members, config_reported, config_apply_state, config_audit');
    },
    close: async () => {
      await db.destroy();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
