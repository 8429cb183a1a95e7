import { Inject, Injectable, Optional } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { DATA_SOURCE, inOneSnapshot, sqlOf, type Sql } from '#csms/persistence';
import type { AuthorizeResponse } from '#csms/ocpp';
import { ChargerRegistryService } from './charger-registry.service.js';
import type { AuthIdTagsRow, IdTagStatus } from './id-tags.service.rows.js';
import type { StartDecision, StartFacts } from './reservations/reservation-rules.js';

export type IdTagInfo = AuthorizeResponse['idTagInfo'];

export interface IdTagView {
  idTag: string;
  status: IdTagStatus;
  expiryDate: string | null;
  parentIdTag: string | null;
  group: string | null;
}

export interface IdTagInput {
  status: IdTagStatus;
  expiryDate?: string | null;
  parentIdTag?: string | null;
  group?: string | null;
}

type Row = Pick<AuthIdTagsRow, 'id_tag' | 'status' | 'expiry_date' | 'parent_id_tag' | 'group_name'>;

const toView = (r: Row): IdTagView => ({
  idTag: r.id_tag,
  status: r.status,
  expiryDate: r.expiry_date == null ? null : new Date(r.expiry_date).toISOString(),
  parentIdTag: r.parent_id_tag,
  group: r.group_name,
});

/**
 * Whether the tag has another active transaction: true / false, or undefined when nobody could tell (metering
 * not answering): the start is then decided from the tag alone.
 */
export interface ActiveTransactionLookup {
  hasActive(chargerId: string, idTag: string, start?: StartKey): Promise<boolean | undefined>;
}

/** Provided only when ConcurrentTx is configured (AuthModule.forRoot({ concurrentTx: true })): metering's answer. */
export const ACTIVE_TRANSACTION_LOOKUP = Symbol.for('csms.auth.active-transaction-lookup');

/** The StartTransaction being decided (its connector and time): never counted as the tag's other transaction. */
export interface StartKey {
  connectorId: number;
  timestamp: string;
  /** The reservation the charger says the start uses (OCPP 1.6 StartTransaction.req reservationId). */
  reservationId?: number;
}

/** Matches a StartTransaction against its charger's reservations (ReservationsService.decideStart). */
export interface ReservationGate {
  decideStart(chargerId: string, start: StartFacts): Promise<StartDecision>;
}

/** The ReservationsService in AuthModule; a token, so idTags depend on this check alone, not on the reservations' sending and facts. */
export const RESERVATION_GATE = Symbol.for('csms.auth.reservation-gate');

/** Auth's verdict on a StartTransaction; reservationId: the reservation it used, for metering to link the transaction. */
export interface StartVerdict {
  idTagInfo: IdTagInfo;
  free: boolean;
  reservationId?: number;
}

/** Case-insensitive equality of IdTokens (CiString20Type). */
export const sameIdTag = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/** Drivers' idTags and the idTagInfo given for Authorize and StartTransaction (docs/reference/design-decisions.md#driver-authorization). */
@Injectable()
export class IdTagsService {
  private readonly sql: Sql;

  constructor(
    @Inject(DATA_SOURCE) db: DataSource,
    @Inject(ChargerRegistryService) private readonly registry: ChargerRegistryService,
    @Optional() private readonly now: () => Date = () => new Date(),
    /** Set when ConcurrentTx is configured (AuthModule.forRoot({ concurrentTx: true })). */
    @Optional() @Inject(ACTIVE_TRANSACTION_LOOKUP) private readonly activeTransaction?: ActiveTransactionLookup,
    @Optional() @Inject(RESERVATION_GATE) private readonly reservations?: ReservationGate,
  ) {
    this.sql = sqlOf(db);
  }

  /** Unknown: Invalid; Accepted past its expiryDate: Expired; otherwise the stored status, with expiry and parent. */
  async idTagInfo(idTag: string): Promise<IdTagInfo> {
    const tag = await this.find(idTag);
    if (!tag) return { status: 'Invalid' };
    const expired = tag.expiryDate !== null && new Date(tag.expiryDate).getTime() <= this.now().getTime();
    return {
      status: expired && tag.status === 'Accepted' ? 'Expired' : tag.status,
      ...(tag.expiryDate ? { expiryDate: tag.expiryDate } : {}),
      ...(tag.parentIdTag ? { parentIdTag: tag.parentIdTag } : {}),
    };
  }

  /**
   * idTagInfo for a StartTransaction. Free charging
   * (docs/reference/zaptec-facts.md#freecharging-and-freechargingidtag): a charger whose REPORTED FreeCharging
   * is true starts with its FreeChargingIdTag; that tag from that charger is Accepted and the transaction free,
   * even when the tag is unknown. The same tag from any other charger is an ordinary tag.
   */
  async idTagInfoForStart(chargerId: string, idTag: string, start?: StartKey): Promise<StartVerdict> {
    const verdict = await this.tagVerdictForStart(chargerId, idTag, start);
    if (!start || !this.reservations) return verdict;
    // docs/reference/design-decisions.md#reservations: a reserved connector is the reserved driver's; anyone
    // else starting there is not authorised, whatever their tag says.
    const decision = await this.reservations.decideStart(chargerId, {
      connectorId: start.connectorId,
      idTag,
      at: new Date(start.timestamp),
      reservationId: start.reservationId,
      parentIdTag: verdict.idTagInfo.parentIdTag ?? null,
    });
    if (decision.kind === 'refuse') return { idTagInfo: { status: 'Invalid' }, free: false };
    return decision.kind === 'consume' ? { ...verdict, reservationId: decision.reservationId } : verdict;
  }

  private async tagVerdictForStart(chargerId: string, idTag: string, start?: StartKey): Promise<StartVerdict> {
    const charger = await this.registry.find(chargerId);
    if (charger?.freeCharging === true && charger.freeChargingIdTag && sameIdTag(charger.freeChargingIdTag, idTag)) {
      return { idTagInfo: { status: 'Accepted' }, free: true };
    }
    const idTagInfo = await this.idTagInfo(idTag);
    // ConcurrentTx only replaces an Accepted answer: a Blocked or Expired tag keeps saying so.
    if (this.activeTransaction && idTagInfo.status === 'Accepted' && (await this.activeTransaction.hasActive(chargerId, idTag, start)) === true) {
      return { idTagInfo: { ...idTagInfo, status: 'ConcurrentTx' }, free: false };
    }
    return { idTagInfo, free: false };
  }

  async find(idTag: string): Promise<IdTagView | undefined> {
    const rows = await this.sql.query<Row>(`SELECT * FROM auth_id_tags WHERE lower(id_tag) = lower($1)`, [idTag]);
    return rows[0] ? toView(rows[0]) : undefined;
  }

  /** False when the tag (in any letter case) exists already. */
  async create(idTag: string, input: IdTagInput): Promise<IdTagView | undefined> {
    const rows = await this.sql.query<Row>(
      `INSERT INTO auth_id_tags (id_tag, status, expiry_date, parent_id_tag, group_name) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT DO NOTHING RETURNING *`,
      [idTag, input.status, input.expiryDate ?? null, input.parentIdTag ?? null, input.group ?? null],
    );
    return rows[0] ? toView(rows[0]) : undefined;
  }

  /** Replaces the tag's fields (PUT semantics: absent optional fields become null). */
  async replace(idTag: string, input: IdTagInput): Promise<IdTagView | undefined> {
    const rows = await this.sql.query<Row>(
      `UPDATE auth_id_tags SET status = $2, expiry_date = $3, parent_id_tag = $4, group_name = $5, updated_at = now()
        WHERE lower(id_tag) = lower($1) RETURNING *`,
      [idTag, input.status, input.expiryDate ?? null, input.parentIdTag ?? null, input.group ?? null],
    );
    return rows[0] ? toView(rows[0]) : undefined;
  }

  async remove(idTag: string): Promise<boolean> {
    const rows = await this.sql.query<Pick<Row, 'id_tag'>>(`DELETE FROM auth_id_tags WHERE lower(id_tag) = lower($1) RETURNING id_tag`, [idTag]);
    return rows.length === 1;
  }

  async list(limit: number, offset: number, group?: string): Promise<{ items: IdTagView[]; total: number; limit: number; offset: number }> {
    const where = group === undefined ? '' : 'WHERE group_name = $3';
    const params: unknown[] = group === undefined ? [limit, offset] : [limit, offset, group];
    // One snapshot: the total counts the rows the page lists.
    const { rows, count } = await inOneSnapshot(this.sql, async (tx) => ({
      rows: await tx.query<Row>(`SELECT * FROM auth_id_tags ${where} ORDER BY id_tag LIMIT $1 OFFSET $2`, params),
      count: await tx.query<{ n: string | number }>(
        `SELECT count(*) AS n FROM auth_id_tags ${group === undefined ? '' : 'WHERE group_name = $1'}`,
        group === undefined ? [] : [group],
      ),
    }));
    return { items: rows.map(toView), total: Number(count[0]?.n ?? 0), limit, offset };
  }
}
