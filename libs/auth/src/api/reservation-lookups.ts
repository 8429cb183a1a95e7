import { Logger } from '@nestjs/common';
import { ask, type Bus } from '#csms/bus';
import type { ReservationView } from '../reservations/reservations.store.js';
import * as metering from '#csms/metering/verbs';
import * as configManager from '#csms/config-manager/verbs';

/** Optional parts of the answer: short, the reservation is worth showing without them. */
const LOOKUP_TIMEOUT_MS = 3_000;
const log = new Logger('Reservations');

export type ShownReservation = ReservationView & { connectorStatus?: string | null };

/**
 * Whether the charger reported ReserveConnectorZeroSupported=true (config-manager keeps what GetConfiguration
 * returned). Not reported, or config-manager not answering: false, since OCPP 1.6 §9.3 makes the key optional and a
 * charger without it does not reserve connector 0.
 */
export async function connectorZeroSupported(bus: Bus, chargerId: string): Promise<boolean> {
  try {
    const reply = await ask(bus, configManager.getChargerConfiguration, { chargerId }, { timeoutMs: LOOKUP_TIMEOUT_MS });
    if (!reply.ok) return false;
    return reply.data.reported?.keys.some((k) => k.key === 'ReserveConnectorZeroSupported' && k.value?.trim().toLowerCase() === 'true') === true;
  } catch (err) {
    log.warn(`ReserveConnectorZeroSupported of ${chargerId} unknown: ${err instanceof Error ? err.message : String(err)}`);
    return false;
  }
}

/**
 * Each reservation with its connector's last StatusNotification status (metering keeps them): Reserved while the
 * charger holds it. Metering not answering leaves connectorStatus out.
 */
export async function withConnectorStatus(bus: Bus, reservations: ReservationView[]): Promise<ShownReservation[]> {
  const chargerIds = [...new Set(reservations.map((r) => r.chargerId))];
  if (chargerIds.length === 0) return reservations;
  let chargers: Record<string, Array<{ connectorId: number; status: string }>>;
  try {
    const reply = await ask(bus, metering.connectorStatuses, { chargerIds }, { timeoutMs: LOOKUP_TIMEOUT_MS });
    if (!reply.ok) return reservations;
    chargers = reply.data.chargers;
  } catch (err) {
    log.warn(`connector statuses unavailable: ${err instanceof Error ? err.message : String(err)}`);
    return reservations;
  }
  return reservations.map((r) => ({ ...r, connectorStatus: chargers[r.chargerId]?.find((c) => c.connectorId === r.connectorId)?.status ?? null }));
}
