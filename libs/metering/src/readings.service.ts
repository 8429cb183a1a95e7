import { Inject, Injectable, Optional } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { DATA_SOURCE, sqlOf, valuesList, type Sql } from '#csms/persistence';
import { dbSpan } from './db-span.js';
import type { MeterValuesRequest, StatusNotificationRequest } from '#csms/ocpp';
import { DEFAULT_METERING_OPTIONS, METERING_OPTIONS, type MeteringOptions } from './metering-options.js';
import { lostByStatus, TransactionsService } from './transactions.service.js';

export interface ChargerEvent<P> {
  chargerId: string;
  payload: P;
  receivedAt: string;
}

export interface ChargerSettingsInput {
  chargerId: string;
  meterValueSampleInterval: number;
  eagerDelta: number;
}

/** The batch's Availables on a connector (not the charger's connector 0), with when each was seen. */
const availables = (events: Array<ChargerEvent<StatusNotificationRequest>>): Array<{ chargerId: string; connectorId: number; at: string }> =>
  events
    .filter((e) => e.payload.status === 'Available' && e.payload.connectorId > 0)
    .map((e) => ({ chargerId: e.chargerId, connectorId: e.payload.connectorId, at: new Date(e.payload.timestamp ?? e.receivedAt).toISOString() }));

/** MeterValues, StatusNotification and the per-charger sampling settings. */
@Injectable()
export class ReadingsService {
  private readonly opts: Required<MeteringOptions>;
  private readonly sql: Sql;

  constructor(
    @Inject(DATA_SOURCE) db: DataSource,
    @Inject(TransactionsService) private readonly transactions: TransactionsService,
    @Optional() @Inject(METERING_OPTIONS) options: MeteringOptions = {},
  ) {
    this.opts = { ...DEFAULT_METERING_OPTIONS, ...options };
    this.sql = sqlOf(db);
  }

  /**
   * One batch of MeterValues: one read and one INSERT. A transactionId the charger gave is kept even when that
   * transaction is closed (late Go 2 samples, docs/reference/design-decisions.md#metering): the transaction row is
   * never touched.
   *
   * No BEGIN/COMMIT around the two: the INSERT is the batch's only write and is atomic on its own (a failed batch
   * stores nothing and is redelivered; ON CONFLICT DO NOTHING makes the redelivery store each reading once), and at
   * READ COMMITTED the read sees the same as it would inside a transaction. Two statements instead of four per batch:
   * half of what this consumer sends (docs/benchmarks.md#one-nats-write-per-turn).
   */
  async meterValuesBatch(events: Array<ChargerEvent<MeterValuesRequest>>): Promise<number> {
    if (events.length === 0) return 0;
    return dbSpan('metering meter values batch', events.length, () =>
      this.transactions.writer.write(
        this.sql,
        events.map((e) => ({
          chargerId: e.chargerId,
          connectorId: e.payload.connectorId,
          transactionId: e.payload.transactionId ?? null,
          meterValue: e.payload.meterValue,
          source: 'MeterValues' as const,
          receivedAt: e.receivedAt,
        })),
      ),
    );
  }

  /**
   * Whether an Available of the batch would close an open transaction as 'Reboot' (see `statusBatch`): one
   * query, so a batch without such a status costs the status consumer no wait for the stop consumer.
   */
  async closesOnReboot(events: Array<ChargerEvent<StatusNotificationRequest>>): Promise<boolean> {
    const available = availables(events);
    if (available.length === 0) return false;
    const rows = await this.sql.query<{ n: number }>(
      `SELECT 1 AS n FROM (VALUES ${valuesList(available.length, ['text', 'integer', 'timestamptz'])}) AS a (charger_id, connector_id, seen_at)
        WHERE EXISTS (SELECT 1 FROM metering_transactions t WHERE ${lostByStatus('t', 'a.charger_id', 'a.connector_id', 'a.seen_at')}) LIMIT 1`,
      available.flatMap((a) => [a.chargerId, a.connectorId, a.at]),
    );
    return rows.length > 0;
  }

  /**
   * Latest status per connector wins by its timestamp (one multi-row upsert). An Available on a connector
   * whose transaction is still open means the charger lost it (reboot, power loss) without a Stop:
   * that transaction is closed as 'Reboot'.
   */
  async statusBatch(events: Array<ChargerEvent<StatusNotificationRequest>>): Promise<{ closedByReboot: number[] }> {
    if (events.length === 0) return { closedByReboot: [] };
    const latest = new Map<string, { e: ChargerEvent<StatusNotificationRequest>; at: string }>();
    for (const e of events) {
      const at = new Date(e.payload.timestamp ?? e.receivedAt).toISOString();
      const key = `${e.chargerId}\u0000${e.payload.connectorId}`;
      const prev = latest.get(key);
      if (!prev || prev.at <= at) latest.set(key, { e, at });
    }
    const list = [...latest.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, v]) => v);
    return this.sql.transaction(async (q) => {
      const params = list.flatMap(({ e, at }) => [
        e.chargerId,
        e.payload.connectorId,
        e.payload.status,
        e.payload.errorCode,
        e.payload.info ?? null,
        e.payload.vendorId ?? null,
        e.payload.vendorErrorCode ?? null,
        at,
        e.receivedAt,
      ]);
      await q.execute(
        `INSERT INTO metering_connector_status AS s (charger_id, connector_id, status, error_code, info, vendor_id, vendor_error_code, "timestamp", received_at)
         VALUES ${valuesList(list.length, ['text', 'integer', 'text', 'text', 'text', 'text', 'text', 'timestamptz', 'timestamptz'])}
         ON CONFLICT (charger_id, connector_id) DO UPDATE SET status = EXCLUDED.status, error_code = EXCLUDED.error_code, info = EXCLUDED.info,
           vendor_id = EXCLUDED.vendor_id, vendor_error_code = EXCLUDED.vendor_error_code, "timestamp" = EXCLUDED."timestamp", received_at = EXCLUDED.received_at
         WHERE EXCLUDED."timestamp" >= s."timestamp"`,
        params,
      );
      const closedByReboot: number[] = [];
      for (const a of availables(events)) closedByReboot.push(...(await this.transactions.closeOnReboot(q, a.chargerId, a.connectorId, a.at)));
      return { closedByReboot };
    });
  }

  async setChargerSettings(s: ChargerSettingsInput): Promise<void> {
    await this.sql.execute(
      `INSERT INTO metering_charger_settings (charger_id, meter_value_sample_interval, eager_delta, updated_at) VALUES ($1, $2, $3, now())
       ON CONFLICT (charger_id) DO UPDATE SET meter_value_sample_interval = EXCLUDED.meter_value_sample_interval,
         eager_delta = EXCLUDED.eager_delta, updated_at = now()`,
      [s.chargerId, s.meterValueSampleInterval, s.eagerDelta],
    );
  }

  /**
   * Retention: deletes meter values older than the configured days in bounded chunks (short locks, no
   * giant WAL burst). With partitioning (see the migration) this becomes dropping whole partitions.
   */
  async pruneMeterValues(now = new Date(), chunk = 10_000): Promise<number> {
    const days = this.opts.meterValuesRetentionDays;
    if (days <= 0) return 0;
    const cutoff = new Date(now.getTime() - days * 86_400_000).toISOString();
    let total = 0;
    for (;;) {
      const deleted = await this.sql.execute(
        `DELETE FROM metering_meter_values WHERE id IN (SELECT id FROM metering_meter_values WHERE "timestamp" < $1::timestamptz LIMIT $2)`,
        [cutoff, chunk],
      );
      total += deleted;
      if (deleted < chunk) return total;
    }
  }
}
