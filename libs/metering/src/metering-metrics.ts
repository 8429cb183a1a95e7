import { Injectable, Inject } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import { metricOnce } from '#csms/http';
import type { DataSource } from 'typeorm';
import { DATA_SOURCE, sqlOf, type Sql } from '#csms/persistence';

/**
 * Transactions whose meter values could not be trusted (docs/reference/design-decisions.md#metering: "counted in metrics"), by reason
 * (meter-start-out-of-range, energy-above-max-power, ...). Counted after the batch committed, so a
 * redelivered batch is not counted twice.
 */
export const meterAnomalies = metricOnce(
  'metering_transaction_anomalies_total',
  () =>
    new Counter({ name: 'metering_transaction_anomalies_total', help: 'Stopped transactions flagged with a meterAnomaly, by reason', labelNames: ['reason'] }),
);

/** The single reader of `metering_transactions_active`: the data source it counts in, set while running. */
let activeSource: Sql | undefined;

/**
 * Transactions started and not stopped, counted at scrape time from the partial index on open
 * transactions. Every metering replica reports the same number: aggregate with max(), not sum().
 */
export const activeTransactions = metricOnce(
  'metering_transactions_active',
  () =>
    new Gauge({
      name: 'metering_transactions_active',
      help: 'Transactions started and not stopped (the same figure on every metering replica: use max())',
      async collect() {
        if (!activeSource) return;
        try {
          const [row] = await activeSource.query<{ n: string | number }>('SELECT count(*) AS n FROM metering_transactions WHERE stopped_at IS NULL');
          this.set(Number(row?.n ?? 0));
        } catch {
          // The database is down: the last figure stays; readiness and db_pool_connections tell the story.
        }
      },
    }),
);

/** Counts open transactions in `db` for /metrics from module start to shutdown. */
@Injectable()
export class ActiveTransactionsMetric {
  private readonly sql: Sql;

  constructor(@Inject(DATA_SOURCE) db: DataSource) {
    this.sql = sqlOf(db);
  }
  onModuleInit(): void {
    activeSource = this.sql;
  }
  onModuleDestroy(): void {
    if (activeSource === this.sql) activeSource = undefined;
  }
}
