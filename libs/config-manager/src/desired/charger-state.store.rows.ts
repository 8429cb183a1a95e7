import { describeTable } from '#csms/persistence';

/* The tables this store owns: its row types and their columns (libs/persistence/README.md). */

/** Per-key outcome of the last ChangeConfiguration (OCPP 1.6 §6.8 statuses, plus our transport outcomes). */
export type ApplyOutcome = 'Accepted' | 'RebootRequired' | 'Rejected' | 'NotSupported' | 'timeout' | 'not-connected' | 'pending';
export const APPLY_OUTCOMES: readonly ApplyOutcome[] = ['Accepted', 'RebootRequired', 'Rejected', 'NotSupported', 'timeout', 'not-connected', 'pending'];

/** The charger's last GetConfiguration answer, one row per key (replaced as a whole on each read). */
export interface ConfigReportedRow {
  charger_id: string;
  key: string;
  /** GetConfiguration.conf value is optional (a key may be reported without a value). */
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
  /**
   * The charger's firmware and model when it answered (docs/reference/design-decisions.md#refusals-remembered): a
   * Rejected/NotSupported is remembered for this
   * value on this firmware and model, and asked again only when one of them changes or an operator asks.
   */
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
