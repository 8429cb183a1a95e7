import type { BootNotificationResponse } from '#csms/ocpp';
import { describeTable, type JsonValue } from '#csms/persistence';
import type { ChargerModel } from './charger-model.js';

/* The tables this store owns: its row types and their columns (libs/persistence/README.md). */

/** A row of config_chargers (all its columns). */
export interface ConfigChargersRow {
  charger_id: string;
  model: ChargerModel;
  model_override: ChargerModel | null;
  boot_vendor: string | null;
  boot_model: string | null;
  charge_point_serial_number: string | null;
  charge_box_serial_number: string | null;
  firmware_version: string | null;
  iccid: string | null;
  imsi: string | null;
  meter_type: string | null;
  meter_serial_number: string | null;
  boot_at: Date | null;
  boot_status: BootNotificationResponse['status'] | null;
  connected: boolean;
  gateway_id: string | null;
  session_id: string | null;
  connected_at: Date | null;
  disconnected_at: Date | null;
  remote_address: string | null;
  connection_event_at: Date | null;
  last_seen: Date | null;
  created_at: Date;
  updated_at: Date;
  apply_config_before_accept: boolean;
}

export const CONFIG_CHARGERS_TABLE = describeTable<ConfigChargersRow>()('config_chargers', {
  charger_id: 'text',
  model: 'text',
  model_override: 'text null',
  boot_vendor: 'text null',
  boot_model: 'text null',
  charge_point_serial_number: 'text null',
  charge_box_serial_number: 'text null',
  firmware_version: 'text null',
  iccid: 'text null',
  imsi: 'text null',
  meter_type: 'text null',
  meter_serial_number: 'text null',
  boot_at: 'timestamp with time zone null',
  boot_status: 'text null',
  connected: 'boolean',
  gateway_id: 'text null',
  session_id: 'text null',
  connected_at: 'timestamp with time zone null',
  disconnected_at: 'timestamp with time zone null',
  remote_address: 'text null',
  connection_event_at: 'timestamp with time zone null',
  last_seen: 'timestamp with time zone null',
  created_at: 'timestamp with time zone',
  updated_at: 'timestamp with time zone',
  apply_config_before_accept: 'boolean',
});

/** A row of config_boot_log (all its columns). */
export interface ConfigBootLogRow {
  id: string;
  charger_id: string;
  message_id: string;
  received_at: Date;
  gateway_id: string;
  payload: JsonValue;
  detected_model: string;
  status: string;
  reason: string;
}

export const CONFIG_BOOT_LOG_TABLE = describeTable<ConfigBootLogRow>()('config_boot_log', {
  id: 'bigint',
  charger_id: 'text',
  message_id: 'text',
  received_at: 'timestamp with time zone',
  gateway_id: 'text',
  payload: 'jsonb',
  detected_model: 'text',
  status: 'text',
  reason: 'text',
});
