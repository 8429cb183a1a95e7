import type { DiagnosticsKind, DiagnosticsState } from '#csms/bus';
import { describeTable } from '#csms/persistence';

/* The tables this store owns: its row types and their columns (libs/persistence/README.md). */

/** A row of config_diagnostics (all its columns). */
export interface ConfigDiagnosticsRow {
  id: string;
  request_id: number;
  charger_id: string;
  kind: DiagnosticsKind;
  token_hash: string;
  expires_at: Date;
  status: DiagnosticsState;
  charger_status: string | null;
  file_name: string | null;
  stored_name: string | null;
  size: string | null;
  content_type: string | null;
  upload_attempt: number;
  upload_lease: Date | null;
  created_at: Date;
  updated_at: Date;
  received_at: Date | null;
  requested_by: string | null;
  error: string | null;
}

export const CONFIG_DIAGNOSTICS_TABLE = describeTable<ConfigDiagnosticsRow>()('config_diagnostics', {
  id: 'uuid',
  request_id: 'integer',
  charger_id: 'text',
  kind: 'text',
  token_hash: 'text',
  expires_at: 'timestamp with time zone',
  status: 'text',
  charger_status: 'text null',
  file_name: 'text null',
  stored_name: 'text null',
  size: 'bigint null',
  content_type: 'text null',
  upload_attempt: 'integer',
  upload_lease: 'timestamp with time zone null',
  created_at: 'timestamp with time zone',
  updated_at: 'timestamp with time zone',
  received_at: 'timestamp with time zone null',
  requested_by: 'text null',
  error: 'text null',
});

/** A row of config_diagnostics_chunks (all its columns). */
export interface ConfigDiagnosticsChunksRow {
  diagnostics_id: string;
  attempt: number;
  seq: number;
  data: Uint8Array;
}

export const CONFIG_DIAGNOSTICS_CHUNKS_TABLE = describeTable<ConfigDiagnosticsChunksRow>()('config_diagnostics_chunks', {
  diagnostics_id: 'uuid',
  attempt: 'integer',
  seq: 'integer',
  data: 'bytea',
});
