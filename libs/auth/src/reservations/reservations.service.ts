import { Inject, Injectable, Optional } from '@nestjs/common';
import type { CommandReply } from '#csms/bus';
import type { CancelReservationResponse, ReserveNowRequest, ReserveNowResponse } from '#csms/ocpp';
import { AUTH_OPTIONS, type AuthOptions } from '../auth-options.js';
import { CHARGER_COMMANDS, type ChargerCommands } from '../charger-commands.js';
import { DEFAULT_RESERVATION_TIMEOUT_MS, decideStart, type StartDecision, type StartFacts } from './reservation-rules.js';
import { ReservationsStore, type NewReservation, type ReservationListQuery, type ReservationView } from './reservations.store.js';

const ORIGIN = 'auth';

/** How a command to the charger went: 'ok' with its answer, or why there is none (docs/api-commands.md). */
export type Delivery = { status: 'ok'; answer: string } | { status: Exclude<CommandReply['status'], 'ok'>; detail: string };

/** What a reservation did, for live events (docs/api-events.md). */
export type ReservationEvent = 'created' | 'refused' | 'cancelled' | 'expired' | 'used';
export interface ReservationListener {
  reservationChanged(event: ReservationEvent, reservation: ReservationView): void;
}

/** Who hears of reservations coming and going (BusReservationListener in AuthModule); none: nobody. */
export const RESERVATION_LISTENER = Symbol.for('csms.auth.reservation-listener');

/**
 * Reservations (OCPP 1.6 §5.13, §5.2; docs/reference/design-decisions.md#reservations): the reservationId is ours,
 * the reservation holds only once the charger answered Accepted, and each StartTransaction is matched against the
 * reservations of its charger in the same auth answer that decides its idTag.
 */
@Injectable()
export class ReservationsService {
  private readonly timeoutMs: number;

  constructor(
    @Inject(ReservationsStore) private readonly store: ReservationsStore,
    @Inject(CHARGER_COMMANDS) private readonly commands: ChargerCommands,
    @Inject(AUTH_OPTIONS) options: Pick<AuthOptions, 'reservationTimeoutMs'> = {},
    @Optional() @Inject(RESERVATION_LISTENER) private readonly listener: ReservationListener = { reservationChanged: () => undefined },
    @Optional() private readonly now: () => Date = () => new Date(),
  ) {
    this.timeoutMs = options.reservationTimeoutMs ?? DEFAULT_RESERVATION_TIMEOUT_MS;
  }

  /**
   * Stores the reservation as pending (the sequence gives its id), sends ReserveNow, and records the answer:
   * Accepted makes it active, any other answer refused; no answer at all makes it failed, so a reservation the
   * charger never got is never active.
   */
  async create(input: NewReservation & { timeoutMs?: number }): Promise<{ reservation: ReservationView; delivery: Delivery }> {
    const pending = await this.store.insert(input);
    const payload: ReserveNowRequest = {
      connectorId: pending.connectorId,
      expiryDate: pending.expiresAt,
      idTag: pending.idTag,
      reservationId: pending.reservationId,
      ...(pending.parentIdTag ? { parentIdTag: pending.parentIdTag } : {}),
    };
    const reply = await this.commands.send(pending.chargerId, {
      action: 'ReserveNow',
      payload,
      timeoutMs: input.timeoutMs ?? this.timeoutMs,
      origin: ORIGIN,
      requestedBy: input.requestedBy ?? undefined,
    });
    const delivery = deliveryOf(reply, (r) => (r as ReserveNowResponse).status);
    const id = pending.reservationId;
    let after: ReservationView | undefined;
    if (delivery.status === 'ok' && delivery.answer === 'Accepted')
      after = await this.store.transition(id, ['pending'], 'active', { reserveStatus: 'Accepted' });
    else if (delivery.status === 'ok')
      after = await this.store.transition(id, ['pending'], 'refused', { reserveStatus: delivery.answer, detail: `the charger answered ${delivery.answer}` });
    else after = await this.store.transition(id, ['pending'], 'failed', { detail: delivery.detail });
    // Not pending any more: a StartTransaction used it between the charger's answer and this line.
    const reservation = after ?? (await this.store.find(id)) ?? pending;
    if (after) this.listener.reservationChanged(after.status === 'active' ? 'created' : 'refused', after);
    return { reservation, delivery };
  }

  /** One reservation, expired first if its time is up (the sweep may not have run yet). */
  async get(reservationId: number): Promise<ReservationView | undefined> {
    await this.expire(reservationId);
    return this.store.find(reservationId);
  }

  async list(query: ReservationListQuery): Promise<{ items: ReservationView[]; total: number; limit: number; offset: number }> {
    await this.expire();
    return this.store.list(query);
  }

  /**
   * CancelReservation (§5.2). Accepted: cancelled. Rejected means the charger holds no such reservation (it ran out
   * there, or was used): cancelled too, with the answer kept. No answer: it stands, and the delivery says why.
   * undefined: no such reservation; `notActive`: it had already ended.
   */
  async cancel(
    reservationId: number,
    requestedBy?: string,
    timeoutMs?: number,
  ): Promise<
    { kind: 'not-found' } | { kind: 'not-active'; reservation: ReservationView } | { kind: 'sent'; reservation: ReservationView; delivery: Delivery }
  > {
    const r = await this.get(reservationId);
    if (!r) return { kind: 'not-found' };
    if (r.status !== 'active' && r.status !== 'pending') return { kind: 'not-active', reservation: r };
    const reply = await this.commands.send(r.chargerId, {
      action: 'CancelReservation',
      payload: { reservationId },
      timeoutMs: timeoutMs ?? this.timeoutMs,
      origin: ORIGIN,
      requestedBy,
    });
    const delivery = deliveryOf(reply, (x) => (x as CancelReservationResponse).status);
    if (delivery.status !== 'ok') return { kind: 'sent', reservation: r, delivery };
    const detail = delivery.answer === 'Accepted' ? 'cancelled by the operator' : 'the charger holds no such reservation (CancelReservation Rejected)';
    const after = await this.store.transition(reservationId, ['active', 'pending'], 'cancelled', { cancelStatus: delivery.answer, detail });
    if (after) this.listener.reservationChanged('cancelled', after);
    return { kind: 'sent', reservation: after ?? (await this.store.noteCancelAnswer(reservationId, delivery.answer, detail)) ?? r, delivery };
  }

  /** Active or pending reservations past their expiry (all, or one) become expired. */
  async expire(reservationId?: number): Promise<ReservationView[]> {
    const expired = await this.store.expireDue(this.now(), reservationId);
    for (const r of expired) this.listener.reservationChanged('expired', r);
    return expired;
  }

  /**
   * A StartTransaction against the charger's reservations (reservation-rules.ts): a start that uses one marks it
   * used here, before metering stores the transaction; metering then links the transaction id (linkTransaction).
   */
  async decideStart(chargerId: string, start: StartFacts): Promise<StartDecision> {
    const candidates = await this.store.candidates(chargerId, start.at);
    if (candidates.length === 0) return { kind: 'none' };
    const decision = decideStart(candidates, start);
    if (decision.kind === 'consume') {
      const used = await this.store.transition(decision.reservationId, ['pending', 'active', 'expired', 'failed'], 'used', {
        detail: `used by a StartTransaction of ${start.idTag} on connector ${start.connectorId}`,
      });
      if (used) this.listener.reservationChanged('used', used);
    }
    return decision;
  }

  async linkTransaction(reservationId: number, transactionId: number): Promise<ReservationView | undefined> {
    const linked = await this.store.linkTransaction(reservationId, transactionId);
    if (linked) this.listener.reservationChanged('used', linked);
    return linked;
  }
}

/** The charger's answer status, or why there is none, in the words of docs/api-commands.md. */
function deliveryOf(reply: CommandReply, status: (result: unknown) => string): Delivery {
  switch (reply.status) {
    case 'ok':
      return { status: 'ok', answer: status(reply.result) };
    case 'not-connected':
      return { status: reply.status, detail: 'the charger is not connected; nothing was sent' };
    case 'timeout':
      return { status: reply.status, detail: 'the charger did not answer in time' };
    case 'connection-lost':
      return { status: reply.status, detail: 'sent, then the connection closed before an answer' };
    case 'callerror':
      return { status: reply.status, detail: `the charger answered CALLERROR ${reply.code}: ${reply.description}` };
    case 'invalid':
      return { status: reply.status, detail: reply.errors.map((e) => `${e.path} ${e.message}`).join('; ') };
  }
}
