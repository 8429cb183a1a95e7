import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Metering schema.
 *
 * metering_meter_values at 100M rows: queries go by (charger_id, timestamp) and by transaction_id, each
 * with its own index; the natural unique key makes redelivery and StopTransaction.transactionData
 * idempotent (COALESCE because NULLs never conflict in a plain unique index). Partitioning plan, not done
 * here (see README of the lib): turn the table into `PARTITION BY RANGE (timestamp)` with monthly
 * partitions created ahead by the retention job, drop whole partitions instead of DELETE; the natural key
 * already contains `timestamp`, as a partitioned unique index requires. `id` would then be dropped.
 */
export class MeteringInit1764000000000 implements MigrationInterface {
  name = 'MeteringInit1764000000000';

  async up(q: QueryRunner): Promise<void> {
    // transactionId is an OCPP integer (int32): an integer sequence, never reused.
    await q.query(`CREATE SEQUENCE metering_transaction_id_seq AS integer START WITH 1 MINVALUE 1`);
    await q.query(`CREATE TABLE metering_transactions (
      id integer PRIMARY KEY DEFAULT nextval('metering_transaction_id_seq'),
      charger_id text NOT NULL,
      connector_id integer NOT NULL,
      id_tag text NOT NULL,
      id_tag_status text,
      reservation_id integer,
      meter_start bigint NOT NULL,
      started_at timestamptz NOT NULL,
      meter_stop bigint,
      stopped_at timestamptz,
      stop_reason text,
      stop_id_tag text,
      free boolean NOT NULL DEFAULT false,
      energy_wh double precision,
      meter_anomaly text,
      closed_by text,
      duplicate_stop_count integer NOT NULL DEFAULT 0,
      -- stream sequence of the StopTransaction that closed it: its redelivery is not a duplicate stop
      stop_event_seq bigint,
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT metering_transactions_natural_key UNIQUE (charger_id, connector_id, id_tag, meter_start, started_at)
    )`);
    await q.query(`ALTER SEQUENCE metering_transaction_id_seq OWNED BY metering_transactions.id`);
    await q.query(`CREATE INDEX metering_transactions_connector ON metering_transactions (charger_id, connector_id, started_at DESC)`);
    await q.query(`CREATE INDEX metering_transactions_started ON metering_transactions (started_at DESC)`);
    await q.query(`CREATE INDEX metering_transactions_id_tag ON metering_transactions (id_tag)`);
    await q.query(`CREATE INDEX metering_transactions_open ON metering_transactions (charger_id, connector_id) WHERE stopped_at IS NULL`);

    // Extra StopTransactions for an already closed transaction; event_seq makes a redelivery count once.
    await q.query(`CREATE TABLE metering_duplicate_stops (
      id bigserial PRIMARY KEY,
      transaction_id integer NOT NULL,
      event_seq bigint NOT NULL,
      payload jsonb NOT NULL,
      received_at timestamptz NOT NULL,
      CONSTRAINT metering_duplicate_stops_key UNIQUE (transaction_id, event_seq)
    )`);

    await q.query(`CREATE TABLE metering_orphan_stops (
      id bigserial PRIMARY KEY,
      charger_id text NOT NULL,
      transaction_id integer NOT NULL,
      id_tag text,
      meter_stop bigint NOT NULL,
      stopped_at timestamptz NOT NULL,
      stop_reason text NOT NULL,
      payload jsonb NOT NULL,
      received_at timestamptz NOT NULL,
      CONSTRAINT metering_orphan_stops_key UNIQUE (charger_id, transaction_id, meter_stop, stopped_at)
    )`);
    await q.query(`CREATE INDEX metering_orphan_stops_charger ON metering_orphan_stops (charger_id, stopped_at DESC)`);

    await q.query(`CREATE TABLE metering_meter_values (
      id bigserial PRIMARY KEY,
      charger_id text NOT NULL,
      connector_id integer NOT NULL,
      transaction_id integer,
      "timestamp" timestamptz NOT NULL,
      measurand text NOT NULL,
      phase text,
      location text NOT NULL,
      context text NOT NULL,
      format text NOT NULL,
      unit text NOT NULL,
      value_raw text NOT NULL,
      value_num double precision,
      source text NOT NULL,
      eager boolean NOT NULL DEFAULT false,
      anomaly text,
      received_at timestamptz NOT NULL
    )`);
    await q.query(`CREATE UNIQUE INDEX metering_meter_values_natural_key ON metering_meter_values
      (charger_id, connector_id, "timestamp", measurand, COALESCE(phase, ''), location, context, format, COALESCE(transaction_id, 0))`);
    await q.query(`CREATE INDEX metering_meter_values_charger_time ON metering_meter_values (charger_id, "timestamp")`);
    await q.query(`CREATE INDEX metering_meter_values_transaction ON metering_meter_values (transaction_id, "timestamp") WHERE transaction_id IS NOT NULL`);

    await q.query(`CREATE TABLE metering_connector_status (
      charger_id text NOT NULL,
      connector_id integer NOT NULL,
      status text NOT NULL,
      error_code text NOT NULL,
      info text,
      vendor_id text,
      vendor_error_code text,
      "timestamp" timestamptz NOT NULL,
      received_at timestamptz NOT NULL,
      PRIMARY KEY (charger_id, connector_id)
    )`);

    await q.query(`CREATE TABLE metering_charger_settings (
      charger_id text PRIMARY KEY,
      meter_value_sample_interval integer NOT NULL,
      eager_delta double precision NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'metering_charger_settings',
      'metering_connector_status',
      'metering_meter_values',
      'metering_orphan_stops',
      'metering_duplicate_stops',
      'metering_transactions',
    ]) {
      await q.query(`DROP TABLE IF EXISTS ${t}`);
    }
    await q.query(`DROP SEQUENCE IF EXISTS metering_transaction_id_seq`);
  }
}
