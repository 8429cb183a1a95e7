import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { openDataSource } from '#csms/persistence';
import { AUTH_ENTITIES } from './entities/index.js';
import { AUTH_MIGRATIONS } from './migrations/index.js';

/** A fresh embedded PGlite with auth's real migrations, for unit tests of the services (real SQL). */
export async function openAuthTestDatabase(): Promise<{ db: DataSource; close: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'csms-auth-'));
  const db = await openDataSource({ dataDir: dir, entities: AUTH_ENTITIES, migrations: AUTH_MIGRATIONS });
  return {
    db,
    close: async () => {
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
