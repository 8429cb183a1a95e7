import { openEmbeddedTestDatabase, type EmbeddedTestDatabase } from '#csms/testing';
import { AUTH_MIGRATIONS } from '../migrations/index.js';

/** A fresh embedded PGlite with auth's real migrations, for unit tests of the services (real SQL). */
export function openAuthTestDatabase(): Promise<EmbeddedTestDatabase> {
  return openEmbeddedTestDatabase({ migrations: AUTH_MIGRATIONS, prefix: 'csms-auth-' });
}
