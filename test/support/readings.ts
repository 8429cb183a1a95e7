/**
 * What fault tests check in the database and on JetStream: the readings a gateway acknowledged against
 * the rows of `metering_meter_values`, and whether a durable consumer has caught up with its stream.
 */
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import pg from 'pg';
import type { RawCharger } from '../../tools/soak/raw-charger.js';

export interface AckedReading {
  chargerId: string;
  timestamp: string;
  measurand: string;
  value: string;
}

/** A MeterValues payload whose every SampledValue is unique per charger, so content can be checked row by row. */
export function uniqueMeterValues(
  chargerIndex: number,
  seq: number,
  base: number,
): { payload: Record<string, unknown>; readings: Array<Omit<AckedReading, 'chargerId'>> } {
  const timestamp = new Date(base + seq * 1_000).toISOString();
  const energy = String(chargerIndex * 10_000_000 + seq * 10);
  const power = `${1_000 + chargerIndex}.${seq}`;
  return {
    payload: {
      connectorId: 1,
      meterValue: [
        {
          timestamp,
          sampledValue: [
            { value: energy, measurand: 'Energy.Active.Import.Register', unit: 'Wh', context: 'Sample.Periodic' },
            { value: power, measurand: 'Power.Active.Import', unit: 'W', context: 'Sample.Periodic' },
          ],
        },
      ],
    },
    readings: [
      { timestamp, measurand: 'Energy.Active.Import.Register', value: energy },
      { timestamp, measurand: 'Power.Active.Import', value: power },
    ],
  };
}

/** Sends MeterValues one after another until `stopped()`; every CALLRESULT adds its readings to `acked`. */
export async function meterLoop(charger: RawCharger, index: number, base: number, acked: AckedReading[], stopped: () => boolean): Promise<number> {
  let seq = 0;
  while (!stopped()) {
    seq++;
    const { payload, readings } = uniqueMeterValues(index, seq, base);
    await charger.call('MeterValues', payload);
    for (const r of readings) acked.push({ chargerId: charger.id, ...r });
  }
  return seq;
}

export interface Comparison {
  rows: number;
  missing: AckedReading[];
  /** Natural keys (charger, timestamp, measurand, ...) stored more than once. */
  doubled: Array<{ key: string; count: number }>;
  /** Stored with another value than the one acknowledged. */
  wrongValue: Array<AckedReading & { stored: string }>;
  /** Rows for these chargers nobody acknowledged. */
  unexpected: string[];
}

/** Runs one SQL statement and returns its rows: a pg client, or PGlite for the all-in-one's embedded database. */
export type SqlRows = <R>(sql: string, params: unknown[]) => Promise<R[]>;

/** Compares every acknowledged reading with the rows stored for the chargers whose ids start with `prefix`. */
export async function compareWithDatabase(databaseUrl: string, prefix: string, acked: AckedReading[]): Promise<Comparison> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return await compareStored(async (sql, params) => (await client.query(sql, params)).rows, prefix, acked);
  } finally {
    await client.end();
  }
}

/** `compareWithDatabase` on any SQL runner. */
export async function compareStored(query: SqlRows, prefix: string, acked: AckedReading[]): Promise<Comparison> {
  const rows = await query<{ charger_id: string; ts: string; measurand: string; value_raw: string; n: string | number; values: string[] }>(
    `SELECT charger_id, to_char("timestamp" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS ts, measurand,
            min(value_raw) AS value_raw, count(*) AS n, array_agg(value_raw) AS values
       FROM metering_meter_values WHERE charger_id LIKE $1
      GROUP BY charger_id, connector_id, "timestamp", measurand, COALESCE(phase, ''), location, context, format`,
    [`${prefix}%`],
  );
  const stored = new Map(rows.map((r) => [`${r.charger_id}|${r.ts}|${r.measurand}`, r]));
  const out: Comparison = { rows: 0, missing: [], doubled: [], wrongValue: [], unexpected: [] };
  for (const r of rows) {
    out.rows += Number(r.n);
    // The unique index includes transaction_id: the same reading linked twice differently would show here.
    if (Number(r.n) !== 1) out.doubled.push({ key: `${r.charger_id}|${r.ts}|${r.measurand} = ${r.values.join(',')}`, count: Number(r.n) });
  }
  const seen = new Set<string>();
  for (const a of acked) {
    const key = `${a.chargerId}|${a.timestamp}|${a.measurand}`;
    seen.add(key);
    const row = stored.get(key);
    if (!row) out.missing.push(a);
    else if (row.value_raw !== a.value) out.wrongValue.push({ ...a, stored: row.value_raw });
  }
  for (const key of stored.keys()) if (!seen.has(key)) out.unexpected.push(key);
  return out;
}

/** Messages of the stream the durable consumer has not yet been given or not yet acked (0 + 0 = caught up). */
export async function consumerBacklog(
  natsUrl: string,
  stream: string,
  durable: string,
): Promise<{ pending: number; ackPending: number; redelivered: number; ackWaitMs: number }> {
  const nc = await connect({ servers: natsUrl, reconnect: false });
  try {
    const jsm = await jetstreamManager(nc);
    const info = await jsm.consumers.info(stream, durable);
    return {
      pending: info.num_pending,
      ackPending: info.num_ack_pending,
      redelivered: info.num_redelivered,
      ackWaitMs: Number(info.config.ack_wait ?? 0) / 1e6,
    };
  } finally {
    await nc.close();
  }
}
