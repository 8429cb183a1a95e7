import type { DataSource } from 'typeorm';
import { sqlOf } from '#csms/persistence';
import { openTestDatabase, type TestDatabase } from '../../test-support/database.js';

export type DesiredTestDatabase = TestDatabase;

/** The desired part's specs run on config-manager's test database: every migration, in production's order. */
export const openDesiredTestDatabase = openTestDatabase;

/** Registers a charger in the registry table as the registry part would after a connect or boot. */
export async function registerCharger(db: DataSource, chargerId: string, model: string, connected = true): Promise<void> {
  await sqlOf(db).execute(
    `INSERT INTO config_chargers (charger_id, model, connected) VALUES ($1, $2, $3)
     ON CONFLICT (charger_id) DO UPDATE SET model = EXCLUDED.model, connected = EXCLUDED.connected`,
    [chargerId, model, connected],
  );
}
