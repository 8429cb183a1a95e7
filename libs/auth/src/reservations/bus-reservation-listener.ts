import { Inject, Injectable } from '@nestjs/common';
import { BUS, recordFact, type Bus, type ReservationFact } from '#csms/bus';
import type { ReservationEvent, ReservationListener } from './reservations.service.js';
import type { ReservationView } from './reservations.store.js';

/** Live dashboards see reservations come and go (GET /api/v1/events, type reservation; docs/api-events.md). */
@Injectable()
export class BusReservationListener implements ReservationListener {
  constructor(@Inject(BUS) private readonly bus: Bus) {}

  reservationChanged(event: ReservationEvent, r: ReservationView): void {
    void recordFact(this.bus, r.chargerId, 'Reservation', {
      chargerId: r.chargerId,
      event,
      reservationId: r.reservationId,
      connectorId: r.connectorId,
      idTag: r.idTag,
      status: r.status,
      expiresAt: r.expiresAt,
      reserveStatus: r.reserveStatus,
      transactionId: r.transactionId,
      at: new Date().toISOString(),
    } satisfies ReservationFact);
  }
}
