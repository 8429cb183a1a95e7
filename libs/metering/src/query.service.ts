import { Injectable, Inject } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { DATA_SOURCE, inOneSnapshot, sqlOf, type Sql } from '#csms/persistence';
import { EARLIEST_TIME_MS, INT32_MAX, LATEST_TIME_MS, MAX_OFFSET, ok, refuse, type ServiceReply } from '#csms/http';
import { chargersWithStatus, meteringFleetFigures, type MeteringFleetFigures } from './fleet-figures.js';
import { powerOf } from './meter-value-writer.js';
import { POWER_IMPORT } from './sampled-values.js';
import type { ChargerMeterValuesQuery, ConnectorStatusView, MeterValueView, Page, TransactionListQuery, TransactionView } from './views.js';

/** bigint and numeric columns arrive as strings from node-postgres: a number, keeping null. */
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const iso = (v: unknown): string | null => (v === null || v === undefined ? null : new Date(v as string | Date).toISOString());

/** A transaction's CSV export: its columns, in order, each a MeterValueView field (valueNum left out: `value` is the charger's text). */
const CSV_COLUMNS = [
  'timestamp',
  'connectorId',
  'transactionId',
  'measurand',
  'phase',
  'location',
  'context',
  'format',
  'unit',
  'value',
  'source',
  'eager',
  'anomaly',
] as const satisfies readonly (keyof MeterValueView)[];

const MAX_LIMIT = 1000;
const DEFAULT_LIMIT = 100;

type Raw = Record<string, unknown>;

function page(limit?: number, offset?: number): { limit: number; offset: number } {
  // The HTTP API refuses what is out of range (libs/http api-params.ts); another service's query is clamped.
  const whole = (v: number | undefined, fallback: number): number => (Number.isFinite(v) ? Math.trunc(v as number) : fallback);
  return { limit: Math.min(Math.max(whole(limit, DEFAULT_LIMIT), 1), MAX_LIMIT), offset: Math.min(Math.max(whole(offset, 0), 0), MAX_OFFSET) };
}

/** A time filter that does not parse, or that PostgreSQL and JS would not read the same, is the caller's mistake: 400 naming the field. */
function time(field: string, v: string | undefined): string | undefined | ServiceReply<never> {
  if (v === undefined) return undefined;
  const t = new Date(v).getTime();
  if (t >= EARLIEST_TIME_MS && t <= LATEST_TIME_MS) return new Date(t).toISOString();
  const message = `${field} must be an ISO 8601 time from 1970-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z`;
  return refuse(400, 'validation_failed', message, [{ field, rule: 'timeRange', message }]);
}
const isRefusal = (v: unknown): v is ServiceReply<never> => typeof v === 'object' && v !== null && 'ok' in v;

export function toTransactionView(r: Raw): TransactionView {
  return {
    id: Number(r.id),
    transactionId: Number(r.id),
    chargerId: String(r.charger_id),
    connectorId: Number(r.connector_id),
    idTag: String(r.id_tag),
    idTagStatus: (r.id_tag_status as string | null) ?? null,
    meterStart: Number(r.meter_start),
    meterStop: num(r.meter_stop),
    energyWh: num(r.energy_wh),
    free: Boolean(r.free),
    meterAnomaly: (r.meter_anomaly as string | null) ?? null,
    startedAt: iso(r.started_at) as string,
    stoppedAt: iso(r.stopped_at),
    stopReason: (r.stop_reason as string | null) ?? null,
    closedBy: (r.closed_by as string | null) ?? null,
    duplicateStopCount: Number(r.duplicate_stop_count),
    state: r.stopped_at === null ? 'open' : 'closed',
  };
}

export function toMeterValueView(r: Raw): MeterValueView {
  return {
    connectorId: Number(r.connector_id),
    transactionId: num(r.transaction_id),
    timestamp: iso(r.timestamp) as string,
    measurand: String(r.measurand),
    phase: (r.phase as string | null) ?? null,
    location: String(r.location),
    context: String(r.context),
    format: String(r.format),
    unit: String(r.unit),
    value: String(r.value_raw),
    valueNum: num(r.value_num),
    source: String(r.source),
    eager: Boolean(r.eager),
    anomaly: (r.anomaly as string | null) ?? null,
  };
}

/** Read side of the API verbs. */
@Injectable()
export class QueryService {
  private readonly sql: Sql;

  constructor(@Inject(DATA_SOURCE) db: DataSource) {
    this.sql = sqlOf(db);
  }

  async listTransactions(query: TransactionListQuery): Promise<ServiceReply<Page<unknown>>> {
    const from = time('from', query.from);
    const to = time('to', query.to);
    if (isRefusal(from)) return from;
    if (isRefusal(to)) return to;
    const { limit, offset } = page(query.limit, query.offset);
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, v: unknown) => {
      params.push(v);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (query.chargerId !== undefined) add('charger_id = ?', query.chargerId);
    if (query.idTag !== undefined) add('id_tag = ?', query.idTag);
    if (query.orphan) {
      // Orphan stops have no start: time filters apply to their stop time.
      if (from) add('stopped_at >= ?::timestamptz', from);
      if (to) add('stopped_at < ?::timestamptz', to);
      return this.pageOf('metering_orphan_stops', where, params, 'stopped_at DESC, id DESC', limit, offset, (r) => ({
        orphan: true,
        chargerId: r.charger_id,
        transactionId: Number(r.transaction_id),
        idTag: r.id_tag ?? null,
        meterStop: Number(r.meter_stop),
        stoppedAt: iso(r.stopped_at),
        stopReason: r.stop_reason,
        receivedAt: iso(r.received_at),
      }));
    }
    if (from) add('started_at >= ?::timestamptz', from);
    if (to) add('started_at < ?::timestamptz', to);
    if (query.state === 'open') where.push('stopped_at IS NULL');
    if (query.state === 'closed') where.push('stopped_at IS NOT NULL');
    if (query.free !== undefined) add('free = ?', query.free);
    return this.pageOf('metering_transactions', where, params, 'started_at DESC, id DESC', limit, offset, toTransactionView);
  }

  private async pageOf<T>(
    table: string,
    where: string[],
    params: unknown[],
    order: string,
    limit: number,
    offset: number,
    map: (r: Raw) => T,
  ): Promise<ServiceReply<Page<T>>> {
    const w = where.length ? `WHERE ${where.join(' AND ')}` : '';
    // One snapshot: the total counts the rows the page lists, whatever is written meanwhile.
    const { total, rows } = await inOneSnapshot(this.sql, async (q) => ({
      total: await q.query<{ n: string }>(`SELECT count(*) AS n FROM ${table} ${w}`, params),
      rows: await q.query<Raw>(`SELECT * FROM ${table} ${w} ORDER BY ${order} LIMIT ${limit} OFFSET ${offset}`, params),
    }));
    return ok({ items: rows.map(map), total: Number(total[0].n), limit, offset });
  }

  async getTransaction(id: number): Promise<ServiceReply<TransactionView & { meterValues: MeterValueView[] }>> {
    if (!Number.isInteger(id)) return refuse(400, 'validation_failed', 'id must be an integer');
    // No transactionId lies outside the int32 column: such an id names no transaction (and must not reach SQL).
    if (id < 1 || id > INT32_MAX) return refuse(404, 'not_found', `transaction ${id} does not exist`);
    const q = this.sql;
    const rows = await q.query<Raw>(`SELECT * FROM metering_transactions WHERE id = $1`, [id]);
    if (!rows[0]) return refuse(404, 'not_found', `transaction ${id} does not exist`);
    const mv = await q.query<Raw>(`SELECT * FROM metering_meter_values WHERE transaction_id = $1 ORDER BY "timestamp", measurand, phase NULLS FIRST, context`, [
      id,
    ]);
    return ok({ ...toTransactionView(rows[0]), meterValues: mv.map(toMeterValueView) });
  }

  async transactionCsv(id: number): Promise<ServiceReply<{ filename: string; csv: string }>> {
    const tx = await this.getTransaction(id);
    if (!tx.ok) return tx;
    const lines = tx.data.meterValues.map((m) => CSV_COLUMNS.map((c) => csvCell(m[c])).join(','));
    return ok({ filename: `transaction-${id}-meter-values.csv`, csv: [CSV_COLUMNS.join(','), ...lines].join('\r\n') + '\r\n' });
  }

  async chargerMeterValues(query: ChargerMeterValuesQuery): Promise<ServiceReply<Page<MeterValueView>>> {
    const from = time('from', query.from);
    const to = time('to', query.to);
    if (isRefusal(from)) return from;
    if (isRefusal(to)) return to;
    const { limit, offset } = page(query.limit, query.offset);
    const where = ['charger_id = $1'];
    const params: unknown[] = [query.chargerId];
    if (from) where.push(`"timestamp" >= $${params.push(from)}::timestamptz`);
    if (to) where.push(`"timestamp" < $${params.push(to)}::timestamptz`);
    if (query.measurand) where.push(`measurand = $${params.push(query.measurand)}`);
    return this.pageOf('metering_meter_values', where, params, '"timestamp" DESC, id DESC', limit, offset, toMeterValueView);
  }

  /** Latest Power.Active.Import per connector, in W (overall value, else the sum of the phases). */
  async chargerPower(
    chargerId: string,
  ): Promise<
    ServiceReply<{ chargerId: string; connectors: Array<{ connectorId: number; powerW: number | null; timestamp: string; transactionId: number | null }> }>
  > {
    const q = this.sql;
    const rows = await q.query<Raw>(
      `SELECT m.* FROM metering_meter_values m
         JOIN (SELECT connector_id, max("timestamp") AS ts FROM metering_meter_values
                WHERE charger_id = $1 AND measurand = $2 AND value_num IS NOT NULL GROUP BY connector_id) l
           ON m.connector_id = l.connector_id AND m."timestamp" = l.ts
        WHERE m.charger_id = $1 AND m.measurand = $2 ORDER BY m.connector_id`,
      [chargerId, POWER_IMPORT],
    );
    const byConnector = new Map<number, Raw[]>();
    for (const r of rows) byConnector.set(Number(r.connector_id), [...(byConnector.get(Number(r.connector_id)) ?? []), r]);
    const connectors = [...byConnector.entries()].map(([connectorId, rs]) => ({
      connectorId,
      powerW: powerOf(
        rs.map((r) => ({ measurand: String(r.measurand), phase: (r.phase as string | null) ?? null, valueNum: num(r.value_num), unit: String(r.unit) })),
      ),
      timestamp: iso(rs[0].timestamp) as string,
      transactionId: num(rs.find((r) => r.transaction_id !== null)?.transaction_id),
    }));
    return ok({ chargerId, connectors });
  }

  async connectorStatuses(chargerIds?: string[]): Promise<ServiceReply<{ chargers: Record<string, ConnectorStatusView[]> }>> {
    const q = this.sql;
    const rows = chargerIds
      ? await q.query<Raw>(`SELECT * FROM metering_connector_status WHERE charger_id = ANY($1::text[]) ORDER BY charger_id, connector_id`, [chargerIds])
      : await q.query<Raw>(`SELECT * FROM metering_connector_status ORDER BY charger_id, connector_id`);
    const chargers: Record<string, ConnectorStatusView[]> = {};
    for (const r of rows) {
      (chargers[String(r.charger_id)] ??= []).push({
        connectorId: Number(r.connector_id),
        status: String(r.status),
        errorCode: String(r.error_code),
        info: (r.info as string | null) ?? null,
        vendorId: (r.vendor_id as string | null) ?? null,
        vendorErrorCode: (r.vendor_error_code as string | null) ?? null,
        timestamp: iso(r.timestamp) as string,
      });
    }
    return ok({ chargers });
  }

  /** GET /api/v1/fleet/summary's metering figures (fleet-figures.ts). */
  fleetFigures(): Promise<ServiceReply<MeteringFleetFigures>> {
    return meteringFleetFigures(this.sql);
  }

  /** The charger list's `status` filter (fleet-figures.ts). */
  chargersWithStatus(status: unknown): Promise<ServiceReply<{ chargerIds: string[] }>> {
    return chargersWithStatus(this.sql, status);
  }
}

function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
