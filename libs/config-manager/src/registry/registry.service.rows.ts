import type { BootNotificationResponse } from '#csms/ocpp';
import { describeTable, type JsonValue } from '#csms/persistence';
import type { ChargerModel } from './charger-model.js';

/* The tables this store owns: its row types and their columns (libs/persistence/README.md). */

/**
 * One row per charger the CSMS has seen (connected or booted): its model, the fields of its last
 * BootNotification and its connection state. Credentials live in auth, configuration in `desired/`.
 * Written through SQL in the services (batched, idempotent).
 */
export interface ConfigChargersRow {
  /** Canonical charge point identity (aliases are resolved before messages reach us). */
  charger_id: string;
  /** Effective model: the override when set, else detected from the last BootNotification. */
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
  /** What we answered to the last BootNotification: Accepted, Pending or Rejected. */
  boot_status: BootNotificationResponse['status'] | null;
  connected: boolean;
  gateway_id: string | null;
  /** The socket the connection columns describe: the newest session wins. */
  session_id: string | null;
  connected_at: Date | null;
  disconnected_at: Date | null;
  remote_address: string | null;
  /** Event time of the last connection event applied: older events arriving late are ignored. */
  connection_event_at: Date | null;
  last_seen: Date | null;
  created_at: Date;
  updated_at: Date;
  /**
   * Operator policy (docs/reference/design-decisions.md#boot-policy): answer BootNotification Pending until the desired
   * configuration is applied.
   * Set through `PUT /api/v1/chargers/:id/boot-policy`; judged by the desired-state part at boot.
   */
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

/**
 * Every BootNotification received and what we answered: lets an operator see reboot loops and
 * firmware changes. (charger_id, message_id) is unique so a redelivered request is stored once.
 */
export interface ConfigBootLogRow {
  id: string;
  charger_id: string;
  message_id: string;
  received_at: Date;
  gateway_id: string;
  /** The BootNotification payload as the charger sent it. */
  payload: JsonValue;
  detected_model: string;
  status: string;
  /** Why: the registration state from auth, or 'auth-unavailable'. */
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
