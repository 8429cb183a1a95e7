import type { QueuedCommandState } from '#csms/bus';
import { describeTable, type JsonValue } from '#csms/persistence';

/* The tables this store owns: its row types and their columns (libs/persistence/README.md). */

/** Why a queued command failed, as its `error` column keeps it and the API shows it. */
export interface QueuedCommandError {
  code: string;
  description: string;
  details?: Record<string, unknown>;
}

/** A row of config_queued_commands (all its columns). */
export interface ConfigQueuedCommandsRow {
  seq: string;
  command_id: string;
  charger_id: string;
  action: string;
  payload: JsonValue;
  status: QueuedCommandState;
  created_at: Date;
  expires_at: Date;
  requested_by: string | null;
  attempts: number;
  lease_until: Date | null;
  held_at: Date | null;
  finished_at: Date | null;
  result: JsonValue | null;
  error: QueuedCommandError | null;
  cancelled_by: string | null;
}

export const CONFIG_QUEUED_COMMANDS_TABLE = describeTable<ConfigQueuedCommandsRow>()('config_queued_commands', {
  seq: 'bigint',
  command_id: 'text',
  charger_id: 'text',
  action: 'text',
  payload: 'jsonb',
  status: 'text',
  created_at: 'timestamp with time zone',
  expires_at: 'timestamp with time zone',
  requested_by: 'text null',
  attempts: 'integer',
  lease_until: 'timestamp with time zone null',
  held_at: 'timestamp with time zone null',
  finished_at: 'timestamp with time zone null',
  result: 'jsonb null',
  error: 'jsonb null',
  cancelled_by: 'text null',
});

/** A row of config_queued_command_attempts (all its columns). */
export interface ConfigQueuedCommandAttemptsRow {
  command_id: string;
  attempt: number;
  sent_command_id: string;
  started_at: Date;
  finished_at: Date | null;
  outcome: string | null;
  detail: JsonValue | null;
}

export const CONFIG_QUEUED_COMMAND_ATTEMPTS_TABLE = describeTable<ConfigQueuedCommandAttemptsRow>()('config_queued_command_attempts', {
  command_id: 'text',
  attempt: 'integer',
  sent_command_id: 'text',
  started_at: 'timestamp with time zone',
  finished_at: 'timestamp with time zone null',
  outcome: 'text null',
  detail: 'jsonb null',
});
