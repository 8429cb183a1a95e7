import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { openDataSource } from '#csms/persistence';
import { METERING_ENTITIES } from './entities/index.js';
import { METERING_MIGRATIONS } from './migrations/index.js';

/** A real (embedded PGlite) database with the metering migrations applied, for unit tests. */
export async function openTestDatabase(): Promise<{ db: DataSource; close: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'metering-spec-'));
  const db = await openDataSource({ dataDir: dir, entities: METERING_ENTITIES, migrations: METERING_MIGRATIONS });
  return {
    db,
    close: async () => {
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
