import { Controller, Inject } from '@nestjs/common';
import { Answers } from '#csms/bus';
import { ok, refuse, type ServiceReply } from '#csms/http';
import { RESERVATION_STATES, type ReservationState } from './reservation-rules.js';
import { ReservationsService } from './reservations.service.js';
import type { ReservationView } from './reservations.store.js';
import * as verbs from '../verbs.js';

const MAX_LIST = 1000;
const notFound = (id: number): ServiceReply<never> => refuse(404, 'not_found', `reservation ${id} does not exist`);

/** The verbs behind /api/v1/reservations (bodies shaped by the API's DTOs) and metering's link of a used one. */
@Controller()
export class ReservationsController {
  constructor(@Inject(ReservationsService) private readonly reservations: ReservationsService) {}

  @Answers(verbs.createReservation)
  async create(body: verbs.CreateReservationRequest): Promise<ServiceReply<verbs.ReservationOutcome>> {
    const expires = Date.parse(body?.expiresAt ?? '');
    if (typeof body?.chargerId !== 'string' || !Number.isInteger(body.connectorId) || body.connectorId < 0 || typeof body.idTag !== 'string') {
      return refuse(400, 'validation_failed', 'chargerId, connectorId (>= 0) and idTag are required');
    }
    // Our clock decides: a reservation that has run out before the charger could hold it is no reservation.
    if (!Number.isFinite(expires) || expires <= Date.now()) {
      return refuse(400, 'validation_failed', 'expiresAt: must be a time in the future', [
        { field: 'expiresAt', rule: 'future', message: 'must be a time in the future' },
      ]);
    }
    return ok(
      await this.reservations.create({
        chargerId: body.chargerId,
        connectorId: body.connectorId,
        idTag: body.idTag,
        parentIdTag: body.parentIdTag ?? null,
        expiresAt: new Date(expires).toISOString(),
        requestedBy: body.requestedBy ?? null,
        timeoutMs: body.timeoutMs,
      }),
    );
  }

  @Answers(verbs.listReservations)
  async list(body: {
    chargerId?: string;
    status?: string;
    limit?: number;
    offset?: number;
  }): Promise<ServiceReply<{ items: ReservationView[]; total: number; limit: number; offset: number }>> {
    if (body?.status !== undefined && !(RESERVATION_STATES as readonly string[]).includes(body.status)) {
      return refuse(400, 'validation_failed', `status: must be one of ${RESERVATION_STATES.join(', ')}`);
    }
    const limit = Math.min(Math.max(1, body?.limit ?? 100), MAX_LIST);
    return ok(
      await this.reservations.list({
        chargerId: body?.chargerId,
        status: body?.status as ReservationState | undefined,
        limit,
        offset: Math.max(0, body?.offset ?? 0),
      }),
    );
  }

  @Answers(verbs.getReservation)
  async get(body: { reservationId: number }): Promise<ServiceReply<ReservationView>> {
    const r = await this.reservations.get(body.reservationId);
    return r ? ok(r) : notFound(body.reservationId);
  }

  /** A reservation that has ended is a 409 naming its state; otherwise the charger's answer (or why none) is returned. */
  @Answers(verbs.cancelReservation)
  async cancel(body: { reservationId: number; requestedBy?: string; timeoutMs?: number }): Promise<ServiceReply<verbs.ReservationOutcome>> {
    const out = await this.reservations.cancel(body.reservationId, body.requestedBy, body.timeoutMs);
    if (out.kind === 'not-found') return notFound(body.reservationId);
    if (out.kind === 'not-active') {
      return refuse(409, 'reservation_not_active', `reservation ${body.reservationId} is ${out.reservation.status}; only an active one can be cancelled`);
    }
    return ok({ reservation: out.reservation, delivery: out.delivery });
  }

  /** Metering stored the transaction of a start that used a reservation (docs/reference/design-decisions.md#reservations). */
  @Answers(verbs.reservationUsed)
  async used(body: { reservationId: number; transactionId: number }): Promise<ServiceReply<{ linked: boolean }>> {
    if (!Number.isInteger(body?.reservationId) || !Number.isInteger(body?.transactionId))
      return refuse(400, 'validation_failed', 'reservationId and transactionId must be integers');
    return ok({ linked: (await this.reservations.linkTransaction(body.reservationId, body.transactionId)) !== undefined });
  }
}
