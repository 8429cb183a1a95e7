import { describeTable } from '#csms/persistence';

/* The tables this store owns: its row types and their columns (libs/persistence/README.md). */

/** A row of config_pending_resets (all its columns). */
export interface ConfigPendingResetsRow {
  charger_id: string;
  command_id: string;
  reset_type: string;
  outcome: string;
  sent_at: Date;
}

export const CONFIG_PENDING_RESETS_TABLE = describeTable<ConfigPendingResetsRow>()('config_pending_resets', {
  charger_id: 'text',
  command_id: 'text',
  reset_type: 'text',
  outcome: 'text',
  sent_at: 'timestamp with time zone',
});
