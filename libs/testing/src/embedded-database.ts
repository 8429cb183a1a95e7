import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { openDataSource, type PersistenceOptions } from '#csms/persistence';
import { seedMigrated } from './migrated-template.js';

export interface EmbeddedTestDatabase {
  db: DataSource;
  /** Empties the given tables (TRUNCATE ... RESTART IDENTITY CASCADE) between tests. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Unit tests' real database: embedded PGlite on a temp dir with the service's real migrations (never
 * `synchronize`), so services are tested against real SQL, not mocks. The directory starts as a copy of
 * those migrations applied once (migrated-template.ts); openDataSource still checks that none is pending.
 */
export async function openEmbeddedTestDatabase(
  options: Pick<PersistenceOptions, 'migrations'> & { tables?: string[]; prefix?: string },
): Promise<EmbeddedTestDatabase> {
  const prefix = options.prefix ?? 'csms-unit-db-';
  const dir = mkdtempSync(join(tmpdir(), prefix));
  await seedMigrated(dir, options.migrations, prefix);
  const db = await openDataSource({ dataDir: dir, migrations: options.migrations });
  return {
    db,
    reset: async () => {
      if (options.tables?.length) await db.query(`TRUNCATE ${options.tables.join(', ')} RESTART IDENTITY CASCADE`);
    },
    close: async () => {
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
