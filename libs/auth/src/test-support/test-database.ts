import { openEmbeddedTestDatabase, type EmbeddedTestDatabase } from '#csms/testing';
import { AUTH_ENTITIES } from '../entities/index.js';
import { AUTH_MIGRATIONS } from '../migrations/index.js';

/** A fresh embedded PGlite with auth's real migrations, for unit tests of the services (real SQL). */
export function openAuthTestDatabase(): Promise<EmbeddedTestDatabase> {
  return openEmbeddedTestDatabase({ entities: AUTH_ENTITIES, migrations: AUTH_MIGRATIONS, prefix: 'csms-auth-' });
}
