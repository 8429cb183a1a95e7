import type { TableDescription } from '#csms/persistence';
import { METERING_CHARGER_SETTINGS_TABLE, METERING_CONNECTOR_STATUS_TABLE, METERING_METER_VALUES_TABLE } from './readings.service.rows.js';
import { METERING_DUPLICATE_STOPS_TABLE, METERING_ORPHAN_STOPS_TABLE, METERING_TRANSACTIONS_TABLE } from './transactions.service.rows.js';

/** Every table of the metering service, as its stores describe it (checked against the migrations by the schema tests). */
export const METERING_TABLES: readonly TableDescription[] = [
  METERING_TRANSACTIONS_TABLE,
  METERING_ORPHAN_STOPS_TABLE,
  METERING_DUPLICATE_STOPS_TABLE,
  METERING_METER_VALUES_TABLE,
  METERING_CHARGER_SETTINGS_TABLE,
  METERING_CONNECTOR_STATUS_TABLE,
];
