import { describeTable } from '#csms/persistence';

/* The tables this store owns: its row types and their columns (libs/persistence/README.md). */

/** Per-key outcome of the last ChangeConfiguration (OCPP 1.6 §6.8 statuses, plus our transport outcomes). */
export type ApplyOutcome = 'Accepted' | 'RebootRequired' | 'Rejected' | 'NotSupported' | 'timeout' | 'not-connected' | 'pending';
export const APPLY_OUTCOMES: readonly ApplyOutcome[] = ['Accepted', 'RebootRequired', 'Rejected', 'NotSupported', 'timeout', 'not-connected', 'pending'];

/** A row of config_reported (all its columns). */
export interface ConfigReportedRow {
  charger_id: string;
  key: string;
  value: string | null;
  readonly: boolean;
  reported_at: Date;
}

export const CONFIG_REPORTED_TABLE = describeTable<ConfigReportedRow>()('config_reported', {
  charger_id: 'text',
  key: 'text',
  value: 'text null',
  readonly: 'boolean',
  reported_at: 'timestamp with time zone',
});

/** A row of config_apply_state (all its columns). */
export interface ConfigApplyStateRow {
  charger_id: string;
  key: string;
  desired_value: string;
  outcome: ApplyOutcome;
  at: Date;
  message: string | null;
  firmware_version: string | null;
  model: string | null;
}

export const CONFIG_APPLY_STATE_TABLE = describeTable<ConfigApplyStateRow>()('config_apply_state', {
  charger_id: 'text',
  key: 'text',
  desired_value: 'text',
  outcome: 'text',
  at: 'timestamp with time zone',
  message: 'text null',
  firmware_version: 'text null',
  model: 'text null',
});
