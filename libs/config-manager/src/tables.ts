import type { TableDescription } from '#csms/persistence';
import { CONFIG_APPLY_STATE_TABLE, CONFIG_REPORTED_TABLE } from './desired/charger-state.store.rows.js';
import { CONFIG_AUDIT_TABLE, CONFIG_DESIRED_TABLE, CONFIG_GROUP_MEMBERS_TABLE, CONFIG_GROUPS_TABLE } from './desired/desired-store.rows.js';
import { CONFIG_SYNC_STATE_TABLE } from './desired/sync-state.rows.js';
import { CONFIG_DIAGNOSTICS_CHUNKS_TABLE, CONFIG_DIAGNOSTICS_TABLE } from './diagnostics/store.rows.js';
import { CONFIG_QUEUED_COMMAND_ATTEMPTS_TABLE, CONFIG_QUEUED_COMMANDS_TABLE } from './queued/store.rows.js';
import { CONFIG_PENDING_RESETS_TABLE } from './registration/reset-links.rows.js';
import { CONFIG_BOOT_LOG_TABLE, CONFIG_CHARGERS_TABLE } from './registry/registry.service.rows.js';

/** Every table of the config-manager service, as its stores describe it (checked against the migrations by the schema tests). */
export const CONFIG_MANAGER_TABLES: readonly TableDescription[] = [
  CONFIG_CHARGERS_TABLE,
  CONFIG_BOOT_LOG_TABLE,
  CONFIG_PENDING_RESETS_TABLE,
  CONFIG_DESIRED_TABLE,
  CONFIG_GROUPS_TABLE,
  CONFIG_GROUP_MEMBERS_TABLE,
  CONFIG_AUDIT_TABLE,
  CONFIG_REPORTED_TABLE,
  CONFIG_APPLY_STATE_TABLE,
  CONFIG_SYNC_STATE_TABLE,
  CONFIG_QUEUED_COMMANDS_TABLE,
  CONFIG_QUEUED_COMMAND_ATTEMPTS_TABLE,
  CONFIG_DIAGNOSTICS_TABLE,
  CONFIG_DIAGNOSTICS_CHUNKS_TABLE,
];
