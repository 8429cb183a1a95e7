import { openEmbeddedTestDatabase, type EmbeddedTestDatabase } from '#csms/testing';
import { METERING_MIGRATIONS } from '../migrations/index.js';

/** A real (embedded PGlite) database with the metering migrations applied, for unit tests. */
export function openTestDatabase(): Promise<EmbeddedTestDatabase> {
  return openEmbeddedTestDatabase({ migrations: METERING_MIGRATIONS, prefix: 'metering-spec-' });
}
