import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { DATA_SOURCE, inOneSnapshot, sqlOf, type Sql } from '#csms/persistence';
import type { AuthReservationsRow } from './reservations.store.rows.js';
import type { ReservationFacts, ReservationState } from './reservation-rules.js';

/** A reservation as the API shows it. */
export interface ReservationView {
  reservationId: number;
  chargerId: string;
  connectorId: number;
  idTag: string;
  parentIdTag: string | null;
  expiresAt: string;
  /** pending, active, refused, failed, cancelled, expired or used (reservation-rules.ts). */
  status: ReservationState;
  /** The charger's answer to ReserveNow (Accepted, Faulted, Occupied, Rejected, Unavailable), null before it. */
  reserveStatus: string | null;
  /** The charger's answer to CancelReservation (Accepted, Rejected), null when never cancelled by us. */
  cancelStatus: string | null;
  /** Why it failed, or how it ended. */
  detail: string | null;
  transactionId: number | null;
  requestedBy: string | null;
  createdAt: string;
  updatedAt: string;
  endedAt: string | null;
}

export interface NewReservation {
  chargerId: string;
  connectorId: number;
  idTag: string;
  parentIdTag: string | null;
  expiresAt: string;
  requestedBy: string | null;
}

export interface ReservationListQuery {
  chargerId?: string;
  status?: ReservationState;
  limit: number;
  offset: number;
}

type Row = AuthReservationsRow;

const iso = (d: Date | string): string => new Date(d).toISOString();

const toView = (r: Row): ReservationView => ({
  reservationId: Number(r.reservation_id),
  chargerId: r.charger_id,
  connectorId: Number(r.connector_id),
  idTag: r.id_tag,
  parentIdTag: r.parent_id_tag,
  expiresAt: iso(r.expires_at),
  status: r.state,
  reserveStatus: r.reserve_status,
  cancelStatus: r.cancel_status,
  detail: r.detail,
  transactionId: r.transaction_id === null ? null : Number(r.transaction_id),
  requestedBy: r.requested_by,
  createdAt: iso(r.created_at),
  updatedAt: iso(r.updated_at),
  endedAt: r.ended_at === null ? null : iso(r.ended_at),
});

/** auth_reservations (migration AuthReservations1764000500000). Every state change is one conditional UPDATE. */
@Injectable()
export class ReservationsStore {
  private readonly sql: Sql;

  constructor(@Inject(DATA_SOURCE) db: DataSource) {
    this.sql = sqlOf(db);
  }

  /** A new reservation, pending, with the next reservationId of the sequence. */
  async insert(r: NewReservation): Promise<ReservationView> {
    const rows = await this.sql.query<Row>(
      `INSERT INTO auth_reservations (charger_id, connector_id, id_tag, parent_id_tag, expires_at, state, requested_by)
       VALUES ($1, $2, $3, $4, $5::timestamptz, 'pending', $6) RETURNING *`,
      [r.chargerId, r.connectorId, r.idTag, r.parentIdTag, r.expiresAt, r.requestedBy],
    );
    return toView(rows[0]);
  }

  async find(reservationId: number): Promise<ReservationView | undefined> {
    const rows = await this.sql.query<Row>(`SELECT * FROM auth_reservations WHERE reservation_id = $1`, [reservationId]);
    return rows[0] ? toView(rows[0]) : undefined;
  }

  async list(q: ReservationListQuery): Promise<{ items: ReservationView[]; total: number; limit: number; offset: number }> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (q.chargerId !== undefined) where.push(`charger_id = $${params.push(q.chargerId)}`);
    if (q.status !== undefined) where.push(`state = $${params.push(q.status)}`);
    const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
    // One snapshot: the total counts the rows the page lists.
    const { rows, count } = await inOneSnapshot(this.sql, async (tx) => ({
      rows: await tx.query<Row>(
        `SELECT * FROM auth_reservations ${filter} ORDER BY reservation_id DESC LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
        [...params, q.limit, q.offset],
      ),
      count: await tx.query<{ n: string | number }>(`SELECT count(*) AS n FROM auth_reservations ${filter}`, params),
    }));
    return { items: rows.map(toView), total: Number(count[0]?.n ?? 0), limit: q.limit, offset: q.offset };
  }

  /**
   * Moves a reservation from one of `from` to `to`, with the charger's answer or a detail; undefined when it was in
   * no such state (another path moved it first: a StartTransaction, the sweep, a cancel).
   */
  async transition(
    reservationId: number,
    from: readonly ReservationState[],
    to: ReservationState,
    fields: { reserveStatus?: string; cancelStatus?: string; detail?: string; transactionId?: number } = {},
    sql: Sql = this.sql,
  ): Promise<ReservationView | undefined> {
    const ends = to !== 'pending' && to !== 'active';
    const rows = await sql.query<Row>(
      `UPDATE auth_reservations SET state = $3, reserve_status = coalesce($4, reserve_status), cancel_status = coalesce($5, cancel_status),
         detail = coalesce($6, detail), transaction_id = coalesce($7, transaction_id), updated_at = now(),
         ended_at = CASE WHEN $8 THEN coalesce(ended_at, now()) ELSE ended_at END
        WHERE reservation_id = $1 AND state = ANY($2::text[]) RETURNING *`,
      [reservationId, [...from], to, fields.reserveStatus ?? null, fields.cancelStatus ?? null, fields.detail ?? null, fields.transactionId ?? null, ends],
    );
    return rows[0] ? toView(rows[0]) : undefined;
  }

  /** Records the charger's answer to CancelReservation without changing the state (Rejected: the reservation stands). */
  async noteCancelAnswer(reservationId: number, cancelStatus: string, detail: string): Promise<ReservationView | undefined> {
    const rows = await this.sql.query<Row>(
      `UPDATE auth_reservations SET cancel_status = $2, detail = $3, updated_at = now() WHERE reservation_id = $1 RETURNING *`,
      [reservationId, cancelStatus, detail],
    );
    return rows[0] ? toView(rows[0]) : undefined;
  }

  /** The transaction metering stored for a start that used this reservation. */
  async linkTransaction(reservationId: number, transactionId: number): Promise<ReservationView | undefined> {
    const rows = await this.sql.query<Row>(
      `UPDATE auth_reservations SET transaction_id = $2, updated_at = now() WHERE reservation_id = $1 AND state = 'used' RETURNING *`,
      [reservationId, transactionId],
    );
    return rows[0] ? toView(rows[0]) : undefined;
  }

  /** Active or pending reservations past their expiry become expired (the sweep; and before a read). */
  async expireDue(now: Date, reservationId?: number): Promise<ReservationView[]> {
    const rows = await this.sql.query<Row>(
      `UPDATE auth_reservations SET state = 'expired', updated_at = now(), ended_at = expires_at
        WHERE state IN ('pending', 'active') AND expires_at <= $1::timestamptz ${reservationId === undefined ? '' : 'AND reservation_id = $2'}
        RETURNING *`,
      reservationId === undefined ? [now.toISOString()] : [now.toISOString(), reservationId],
    );
    return rows.map(toView);
  }

  /**
   * This charger's reservations that may still have stood on the charger at `at` (the rules in reservation-rules.ts
   * decide): the candidates of a StartTransaction. One index range scan; nothing when the charger has none.
   */
  async candidates(chargerId: string, at: Date): Promise<ReservationFacts[]> {
    const rows = await this.sql.query<Row>(
      `SELECT * FROM auth_reservations WHERE charger_id = $1 AND expires_at > $2::timestamptz AND state IN ('pending', 'active', 'expired', 'failed')`,
      [chargerId, at.toISOString()],
    );
    return rows.map((r) => ({
      reservationId: Number(r.reservation_id),
      connectorId: Number(r.connector_id),
      idTag: r.id_tag,
      parentIdTag: r.parent_id_tag,
      state: r.state,
      expiresAt: new Date(r.expires_at),
    }));
  }
}
