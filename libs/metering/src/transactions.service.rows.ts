import { describeTable, type JsonValue } from '#csms/persistence';

/* The tables this store owns: its row types and their columns (libs/persistence/README.md). */

/** A row of metering_transactions (all its columns). */
export interface MeteringTransactionsRow {
  id: number;
  charger_id: string;
  connector_id: number;
  id_tag: string;
  id_tag_status: string | null;
  reservation_id: number | null;
  meter_start: string;
  started_at: Date;
  meter_stop: string | null;
  stopped_at: Date | null;
  stop_reason: string | null;
  stop_id_tag: string | null;
  free: boolean;
  energy_wh: number | null;
  meter_anomaly: string | null;
  closed_by: string | null;
  duplicate_stop_count: number;
  stop_event_seq: string | null;
  created_at: Date;
}

export const METERING_TRANSACTIONS_TABLE = describeTable<MeteringTransactionsRow>()('metering_transactions', {
  id: 'integer',
  charger_id: 'text',
  connector_id: 'integer',
  id_tag: 'text',
  id_tag_status: 'text null',
  reservation_id: 'integer null',
  meter_start: 'bigint',
  started_at: 'timestamp with time zone',
  meter_stop: 'bigint null',
  stopped_at: 'timestamp with time zone null',
  stop_reason: 'text null',
  stop_id_tag: 'text null',
  free: 'boolean',
  energy_wh: 'double precision null',
  meter_anomaly: 'text null',
  closed_by: 'text null',
  duplicate_stop_count: 'integer',
  stop_event_seq: 'bigint null',
  created_at: 'timestamp with time zone',
});

/** A row of metering_orphan_stops (all its columns). */
export interface MeteringOrphanStopsRow {
  id: string;
  charger_id: string;
  transaction_id: number;
  id_tag: string | null;
  meter_stop: string;
  stopped_at: Date;
  stop_reason: string;
  payload: JsonValue;
  received_at: Date;
}

export const METERING_ORPHAN_STOPS_TABLE = describeTable<MeteringOrphanStopsRow>()('metering_orphan_stops', {
  id: 'bigint',
  charger_id: 'text',
  transaction_id: 'integer',
  id_tag: 'text null',
  meter_stop: 'bigint',
  stopped_at: 'timestamp with time zone',
  stop_reason: 'text',
  payload: 'jsonb',
  received_at: 'timestamp with time zone',
});

/** A row of metering_duplicate_stops (all its columns). */
export interface MeteringDuplicateStopsRow {
  id: string;
  transaction_id: number;
  event_seq: string;
  payload: JsonValue;
  received_at: Date;
}

export const METERING_DUPLICATE_STOPS_TABLE = describeTable<MeteringDuplicateStopsRow>()('metering_duplicate_stops', {
  id: 'bigint',
  transaction_id: 'integer',
  event_seq: 'bigint',
  payload: 'jsonb',
  received_at: 'timestamp with time zone',
});
