import { Inject, Injectable, Optional } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { DATA_SOURCE, sqlOf, type Sql } from '#csms/persistence';
import type { MeteringTransactionsRow } from './transactions.service.rows.js';
import type { StartTransactionRequest, StopTransactionRequest } from '#csms/ocpp';
import { computeEnergy, type RegisterReading } from './energy.js';
import { MeterValueWriter } from './meter-value-writer.js';
import { DEFAULT_METERING_OPTIONS, METERING_OPTIONS, type MeteringOptions } from './metering-options.js';
import { ENERGY_REGISTER, toBaseUnit } from './sampled-values.js';
import { dbSpan } from './db-span.js';

export interface StopEvent {
  chargerId: string;
  request: StopTransactionRequest;
  /** Stream sequence of the event: a redelivered duplicate stop is counted once. */
  seq: number;
  receivedAt: string;
}

export type StopOutcome = 'closed' | 'duplicate' | 'orphan';

/** Auth's answer to a StartTransaction: stored with the transaction. */
export interface StartVerdict {
  idTagStatus: string;
  free: boolean;
}

type TxRow = Pick<MeteringTransactionsRow, 'id' | 'meter_start' | 'started_at' | 'stopped_at' | 'closed_by' | 'stop_event_seq'>;

/**
 * The transactions an Available lost (a reboot or a power loss ends one without a StopTransaction): open on the
 * connector and started before the status was seen. Over the alias `t` of metering_transactions, with the SQL
 * expressions for the charger, the connector and the status's time; closeOnReboot closes these, and
 * ReadingsService.closesOnReboot asks whether a batch has any.
 */
export const lostByStatus = (t: string, chargerId: string, connectorId: string, seenAt: string): string =>
  `${t}.charger_id = ${chargerId} AND ${t}.connector_id = ${connectorId} AND ${t}.stopped_at IS NULL AND ${t}.started_at < ${seenAt}`;

@Injectable()
export class TransactionsService {
  private readonly opts: Required<MeteringOptions>;
  readonly writer: MeterValueWriter;
  private readonly sql: Sql;

  constructor(@Inject(DATA_SOURCE) db: DataSource, @Optional() @Inject(METERING_OPTIONS) options: MeteringOptions = {}) {
    this.opts = { ...DEFAULT_METERING_OPTIONS, ...options };
    this.writer = new MeterValueWriter(this.opts.lateReadingWindowSec);
    this.sql = sqlOf(db);
  }

  /**
   * Stores the StartTransaction together with auth's verdict, in one statement
   * (docs/reference/design-decisions.md#starttransaction-with-its-verdict): there is never a
   * transaction without its idTag status, so a start that auth could not decide leaves nothing behind. The same
   * natural key (a charger replaying its offline queue, or retrying after our CALLERROR) finds the stored row:
   * the same transactionId, with the verdict of this latest answer (the charger acts on the answer it got last).
   */
  async recordStart(chargerId: string, req: StartTransactionRequest, verdict: StartVerdict): Promise<{ transactionId: number; created: boolean }> {
    return dbSpan('metering transaction start', 1, () =>
      (async () => {
        const rows = await this.sql.query<{ id: number; created: boolean }>(
          `INSERT INTO metering_transactions (charger_id, connector_id, id_tag, meter_start, started_at, reservation_id, id_tag_status, free)
         VALUES ($1, $2, $3, $4, $5::timestamptz, $6, $7, $8)
         ON CONFLICT ON CONSTRAINT metering_transactions_natural_key DO UPDATE SET id_tag_status = EXCLUDED.id_tag_status, free = EXCLUDED.free
         RETURNING id, (xmax = 0) AS created`,
          [
            chargerId,
            req.connectorId,
            req.idTag,
            req.meterStart,
            new Date(req.timestamp).toISOString(),
            req.reservationId ?? null,
            verdict.idTagStatus,
            verdict.free,
          ],
        );
        return { transactionId: Number(rows[0].id), created: rows[0].created === true };
      })(),
    );
  }

  /** A batch of StopTransaction events, in one database transaction, in stream order. */
  async stopBatch(events: StopEvent[]): Promise<StopOutcome[]> {
    return dbSpan('metering transaction stop batch', events.length, () =>
      this.sql.transaction(async (q) => {
        const out: StopOutcome[] = [];
        for (const e of [...events].sort((a, b) => a.seq - b.seq)) out.push(await this.stop(q, e));
        return out;
      }),
    );
  }

  /** The meterAnomaly reasons of the transactions closed by these stream messages (after commit). */
  async anomaliesOfStops(seqs: number[]): Promise<string[]> {
    if (seqs.length === 0) return [];
    const rows = await this.sql.query<{ meter_anomaly: string }>(
      `SELECT meter_anomaly FROM metering_transactions WHERE stop_event_seq = ANY($1::bigint[]) AND meter_anomaly IS NOT NULL`,
      [seqs],
    );
    return rows.flatMap((r) => r.meter_anomaly.split(','));
  }

  async stop(q: Sql, e: StopEvent): Promise<StopOutcome> {
    const req = e.request;
    const reason = req.reason ?? 'Local'; // absent = Local (docs/reference/protocol-notes.md#transactions)
    const stoppedAt = new Date(req.timestamp).toISOString();
    // A transactionId issued to another charger is not this charger's transaction: orphan.
    const tx = (
      await q.query<TxRow>(
        `SELECT id, meter_start, started_at, stopped_at, closed_by, stop_event_seq FROM metering_transactions WHERE id = $1 AND charger_id = $2 FOR UPDATE`,
        [req.transactionId, e.chargerId],
      )
    )[0];
    if (!tx) {
      await q.execute(
        `INSERT INTO metering_orphan_stops (charger_id, transaction_id, id_tag, meter_stop, stopped_at, stop_reason, payload, received_at)
         VALUES ($1, $2, $3, $4, $5::timestamptz, $6, $7::jsonb, $8::timestamptz) ON CONFLICT ON CONSTRAINT metering_orphan_stops_key DO NOTHING`,
        [e.chargerId, req.transactionId, req.idTag ?? null, req.meterStop, stoppedAt, reason, JSON.stringify(req), e.receivedAt],
      );
      // Its readings are kept, linked to no transaction: an id we never issued must not attach them to a future one.
      await this.writeStopData(q, e, null);
      return 'orphan';
    }
    // Closed by a real StopTransaction: a further one changes nothing and is only counted. A close we
    // inferred from a reboot is replaced by the charger's own StopTransaction when it arrives late.
    if (tx.stopped_at !== null && tx.closed_by === 'StopTransaction') {
      // The closing message itself, redelivered (crash between commit and ack): nothing to do.
      if (tx.stop_event_seq !== null && Number(tx.stop_event_seq) === e.seq) return 'closed';
      const recorded = await q.execute(
        `INSERT INTO metering_duplicate_stops (transaction_id, event_seq, payload, received_at) VALUES ($1, $2, $3::jsonb, $4::timestamptz)
         ON CONFLICT ON CONSTRAINT metering_duplicate_stops_key DO NOTHING`,
        [tx.id, e.seq, JSON.stringify(req), e.receivedAt],
      );
      if (recorded > 0) await q.execute(`UPDATE metering_transactions SET duplicate_stop_count = duplicate_stop_count + 1 WHERE id = $1`, [tx.id]);
      return 'duplicate';
    }
    await this.writeStopData(q, e, tx.id);
    const energy = await this.energyOf(q, tx, req.meterStop, stoppedAt);
    await q.execute(
      `UPDATE metering_transactions SET meter_stop = $2, stopped_at = $3::timestamptz, stop_reason = $4, stop_id_tag = $5,
         energy_wh = $6, meter_anomaly = $7, closed_by = 'StopTransaction', stop_event_seq = $8 WHERE id = $1`,
      [tx.id, req.meterStop, stoppedAt, reason, req.idTag ?? null, energy.energyWh, energy.anomaly, e.seq],
    );
    return 'closed';
  }

  /**
   * The charger came back (StatusNotification Available after the transaction started) without a
   * StopTransaction: close the open transaction as 'Reboot' with the last known register reading.
   */
  async closeOnReboot(q: Sql, chargerId: string, connectorId: number, seenAt: string): Promise<number[]> {
    const open = await q.query<TxRow>(
      `SELECT id, meter_start, started_at, stopped_at, closed_by, stop_event_seq FROM metering_transactions t
        WHERE ${lostByStatus('t', '$1', '$2', '$3::timestamptz')} FOR UPDATE`,
      [chargerId, connectorId, seenAt],
    );
    const closed: number[] = [];
    for (const tx of open) {
      const regs = await this.registersOf(q, tx.id);
      const last = regs[regs.length - 1];
      const meterStop = last ? Math.round(last.wh) : Number(tx.meter_start);
      const stoppedAt = last ? new Date(last.at).toISOString() : seenAt;
      const energy = computeEnergy({
        meterStart: Number(tx.meter_start),
        meterStop,
        startedAt: new Date(tx.started_at).getTime(),
        stoppedAt: Date.parse(stoppedAt),
        registers: regs,
        maxPowerW: this.opts.maxPowerW,
      });
      await q.execute(
        `UPDATE metering_transactions SET meter_stop = $2, stopped_at = $3::timestamptz, stop_reason = 'Reboot', closed_by = 'Reboot',
           energy_wh = $4, meter_anomaly = $5 WHERE id = $1`,
        [tx.id, meterStop, stoppedAt, energy.energyWh, energy.anomaly],
      );
      closed.push(tx.id);
    }
    return closed;
  }

  private async writeStopData(q: Sql, e: StopEvent, transactionId: number | null): Promise<void> {
    const data = e.request.transactionData ?? [];
    if (data.length === 0) return;
    const connector =
      transactionId === null
        ? 0
        : Number((await q.query<{ connector_id: number }>(`SELECT connector_id FROM metering_transactions WHERE id = $1`, [transactionId]))[0].connector_id);
    await this.writer.write(q, [
      { chargerId: e.chargerId, connectorId: connector, transactionId, meterValue: data, source: 'StopTransaction', receivedAt: e.receivedAt },
    ]);
  }

  private async energyOf(q: Sql, tx: TxRow, meterStop: number, stoppedAt: string) {
    return computeEnergy({
      meterStart: Number(tx.meter_start),
      meterStop,
      startedAt: new Date(tx.started_at).getTime(),
      stoppedAt: Date.parse(stoppedAt),
      registers: await this.registersOf(q, tx.id),
      maxPowerW: this.opts.maxPowerW,
    });
  }

  /** The transaction's own overall Energy.Active.Import.Register readings in Wh, in time order (Outlet preferred). */
  async registersOf(q: Sql, transactionId: number): Promise<RegisterReading[]> {
    const rows = await q.query<{ timestamp: Date | string; value_num: number | string; unit: string; location: string }>(
      `SELECT DISTINCT ON ("timestamp") "timestamp", value_num, unit, location FROM metering_meter_values
        WHERE transaction_id = $1 AND measurand = $2 AND phase IS NULL AND value_num IS NOT NULL
        ORDER BY "timestamp", (location = 'Outlet') DESC`,
      [transactionId, ENERGY_REGISTER],
    );
    return rows.map((r) => ({ at: new Date(r.timestamp).getTime(), wh: toBaseUnit(Number(r.value_num), r.unit) }));
  }
}
