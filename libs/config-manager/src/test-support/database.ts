import { openEmbeddedTestDatabase, type EmbeddedTestDatabase } from '#csms/testing';
import { CONFIG_MANAGER_MIGRATIONS } from '../index.js';

/** Unit tests' real database: embedded PGlite on a temp dir, schema from the real migrations. */
export type TestDatabase = EmbeddedTestDatabase;

export function openTestDatabase(): Promise<TestDatabase> {
  return openEmbeddedTestDatabase({
    migrations: CONFIG_MANAGER_MIGRATIONS,
    prefix: 'config-manager-test-',
    tables: [
      'config_chargers',
      'config_boot_log',
      'config_desired',
      'config_groups',
      'config_group_members',
      'config_reported',
      'config_apply_state',
      'config_audit',
      'config_sync_state',
      'config_pending_resets',
      'config_queued_commands',
      'config_queued_command_attempts',
      'config_diagnostics',
      'config_diagnostics_chunks',
      'config_charging_profiles',
      'config_charging_profile_state',
      'config_site_limits',
      'config_site_limit_sessions',
      'config_site_limit_fallbacks',
    ],
  });
}
