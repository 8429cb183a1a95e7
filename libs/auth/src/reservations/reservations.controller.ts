import { Controller, Inject } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { subjects } from '#csms/bus';
import { ok, refuse, type ServiceReply } from '#csms/http';
import { RESERVATION_STATES, type ReservationState } from './reservation-rules.js';
import { ReservationsService, type Delivery } from './reservations.service.js';
import type { ReservationView } from './reservations.store.js';

/** The verbs behind /api/v1/reservations (bodies shaped by the API's DTOs) and metering's link of a used one. */
export interface CreateReservationBody {
  chargerId: string;
  connectorId: number;
  idTag: string;
  parentIdTag?: string;
  expiresAt: string;
  requestedBy?: string;
  timeoutMs?: number;
}

export type ReservationOutcome = { reservation: ReservationView; delivery: Delivery };

const MAX_LIST = 1000;
const notFound = (id: number): ServiceReply<never> => refuse(404, 'not_found', `reservation ${id} does not exist`);

@Controller()
export class ReservationsController {
  constructor(@Inject(ReservationsService) private readonly reservations: ReservationsService) {}

  @MessagePattern(subjects.api('auth', 'createReservation'), { queue: 'auth' })
  async create(body: CreateReservationBody): Promise<ServiceReply<ReservationOutcome>> {
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

  @MessagePattern(subjects.api('auth', 'listReservations'), { queue: 'auth' })
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

  @MessagePattern(subjects.api('auth', 'getReservation'), { queue: 'auth' })
  async get(body: { reservationId: number }): Promise<ServiceReply<ReservationView>> {
    const r = await this.reservations.get(body.reservationId);
    return r ? ok(r) : notFound(body.reservationId);
  }

  /** A reservation that has ended is a 409 naming its state; otherwise the charger's answer (or why none) is returned. */
  @MessagePattern(subjects.api('auth', 'cancelReservation'), { queue: 'auth' })
  async cancel(body: { reservationId: number; requestedBy?: string; timeoutMs?: number }): Promise<ServiceReply<ReservationOutcome>> {
    const out = await this.reservations.cancel(body.reservationId, body.requestedBy, body.timeoutMs);
    if (out.kind === 'not-found') return notFound(body.reservationId);
    if (out.kind === 'not-active') {
      return refuse(409, 'reservation_not_active', `reservation ${body.reservationId} is ${out.reservation.status}; only an active one can be cancelled`);
    }
    return ok({ reservation: out.reservation, delivery: out.delivery });
  }

  /** Metering stored the transaction of a start that used a reservation (docs/reference/design-decisions.md#reservations). */
  @MessagePattern(subjects.api('auth', 'reservationUsed'), { queue: 'auth' })
  async used(body: { reservationId: number; transactionId: number }): Promise<ServiceReply<{ linked: boolean }>> {
    if (!Number.isInteger(body?.reservationId) || !Number.isInteger(body?.transactionId))
      return refuse(400, 'validation_failed', 'reservationId and transactionId must be integers');
    return ok({ linked: (await this.reservations.linkTransaction(body.reservationId, body.transactionId)) !== undefined });
  }
}
