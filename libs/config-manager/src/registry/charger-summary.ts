import type { BootNotificationResponse } from '#csms/ocpp';
import { capabilitiesOfModel, type ChargerModel, type ModelCapabilities } from './charger-model.js';
import type { ConfigChargersRow } from './registry.service.rows.js';
import type { BootStatus, ChargerBoot } from '../portable/charger-boot.js';
import type { ChargerConnection } from '../portable/charger-connection.js';

/** What `api.registry.list` / `get` return per charger, and what `GET /api/v1/chargers` shows. */
export interface ChargerSummary extends ChargerConnection {
  model: ChargerModel;
  /** True when an operator set the model; otherwise it was detected from the last BootNotification. */
  modelOverridden: boolean;
  capabilities: ModelCapabilities;
  /** The last BootNotification, or null when the charger never sent one. */
  boot: ChargerBoot | null;
  /**
   * Connected but never booted (docs/reference/design-decisions.md#provisional-chargers): not a charger yet, maybe only a socket. Removed
   * PROVISIONAL_CHARGER_TTL_S after it disconnects unless it boots first (never-booted.ts).
   */
  provisional: boolean;
  bootPolicy: ChargerBootPolicy;
  /** Configuration sync state after the last reconciliation (list and get; absent in other answers). */
  configurationSync?: 'in-sync' | 'drift' | 'refused' | 'unknown';
}

/** Operator policy for this charger's BootNotification answers. */
export interface ChargerBootPolicy {
  /** Answer Pending (OCPP 1.6 §4.2) until the charger's configuration is in sync with its desired configuration. */
  applyConfigurationBeforeAccept: boolean;
}

export type { ChargerBoot };

// The portable ChargerBoot spells the boot status out (it may import nothing): it must stay the protocol's.
const sameBootStatus: [BootStatus, BootNotificationResponse['status']] extends [BootNotificationResponse['status'], BootStatus] ? true : never = true;
void sameBootStatus;

/** A `config_chargers` row as list and get read it, with what they join. */
export interface ChargerRow extends ConfigChargersRow {
  /** Joined from config_sync_state by list and get (null: never reconciled). */
  sync_state?: 'in-sync' | 'drift' | 'refused' | 'unknown' | null;
  /** Joined from config_reported by get: the charger's reported SupportedFeatureProfiles (null: never read). */
  supported_feature_profiles?: string | null;
}

export function iso(value: Date | string | null): string | null {
  if (value === null) return null;
  return (value instanceof Date ? value : new Date(value)).toISOString();
}

export function toSummary(row: ChargerRow): ChargerSummary {
  return {
    id: row.charger_id,
    connected: row.connected,
    gatewayId: row.gateway_id,
    connectedAt: iso(row.connected_at),
    disconnectedAt: iso(row.disconnected_at),
    lastSeen: iso(row.last_seen),
    remoteAddress: row.remote_address,
    model: row.model,
    modelOverridden: row.model_override !== null,
    capabilities: capabilitiesOfModel(row.model, row.supported_feature_profiles),
    boot:
      row.boot_at === null
        ? null
        : {
            vendor: row.boot_vendor,
            model: row.boot_model,
            serialNumber: row.charge_point_serial_number,
            chargeBoxSerialNumber: row.charge_box_serial_number,
            firmwareVersion: row.firmware_version,
            iccid: row.iccid,
            imsi: row.imsi,
            meterType: row.meter_type,
            meterSerialNumber: row.meter_serial_number,
            at: iso(row.boot_at),
            status: row.boot_status,
          },
    provisional: row.boot_at === null,
    bootPolicy: { applyConfigurationBeforeAccept: row.apply_config_before_accept === true },
    ...('sync_state' in row ? { configurationSync: row.sync_state ?? 'unknown' } : {}),
  };
}
