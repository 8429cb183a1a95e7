import { describeTable } from '#csms/persistence';
import type { SampledValueFields } from './reading.js';

/* The tables this store owns: its row types and their columns (libs/persistence/README.md). */

/** A row of metering_meter_values (all its columns). */
export interface MeteringMeterValuesRow extends SampledValueFields {
  id: string;
  charger_id: string;
  connector_id: number;
  transaction_id: number | null;
  timestamp: Date;
  value_raw: string;
  value_num: number | null;
  source: string;
  eager: boolean;
  anomaly: string | null;
  received_at: Date;
}

export const METERING_METER_VALUES_TABLE = describeTable<MeteringMeterValuesRow>()('metering_meter_values', {
  id: 'bigint',
  charger_id: 'text',
  connector_id: 'integer',
  transaction_id: 'integer null',
  timestamp: 'timestamp with time zone',
  measurand: 'text',
  phase: 'text null',
  location: 'text',
  context: 'text',
  format: 'text',
  unit: 'text',
  value_raw: 'text',
  value_num: 'double precision null',
  source: 'text',
  eager: 'boolean',
  anomaly: 'text null',
  received_at: 'timestamp with time zone',
});

/** A row of metering_charger_settings (all its columns). */
export interface MeteringChargerSettingsRow {
  charger_id: string;
  meter_value_sample_interval: number;
  eager_delta: number;
  updated_at: Date;
}

export const METERING_CHARGER_SETTINGS_TABLE = describeTable<MeteringChargerSettingsRow>()('metering_charger_settings', {
  charger_id: 'text',
  meter_value_sample_interval: 'integer',
  eager_delta: 'double precision',
  updated_at: 'timestamp with time zone',
});

/** A row of metering_connector_status (all its columns). */
export interface MeteringConnectorStatusRow {
  charger_id: string;
  connector_id: number;
  status: string;
  error_code: string;
  info: string | null;
  vendor_id: string | null;
  vendor_error_code: string | null;
  timestamp: Date;
  received_at: Date;
}

export const METERING_CONNECTOR_STATUS_TABLE = describeTable<MeteringConnectorStatusRow>()('metering_connector_status', {
  charger_id: 'text',
  connector_id: 'integer',
  status: 'text',
  error_code: 'text',
  info: 'text null',
  vendor_id: 'text null',
  vendor_error_code: 'text null',
  timestamp: 'timestamp with time zone',
  received_at: 'timestamp with time zone',
});
