import { describeTable } from '#csms/persistence';

/* The tables this store owns: its row types and their columns (libs/persistence/README.md). */

/** A row of config_sync_state (all its columns). */
export interface ConfigSyncStateRow {
  charger_id: string;
  state: string;
  drifted_keys: string[];
  updated_at: Date;
}

export const CONFIG_SYNC_STATE_TABLE = describeTable<ConfigSyncStateRow>()('config_sync_state', {
  charger_id: 'text',
  state: 'text',
  drifted_keys: 'ARRAY',
  updated_at: 'timestamp with time zone',
});
