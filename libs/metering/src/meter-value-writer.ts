import { anomalyOf, classifySamples, type PeriodicSample, type SampleState } from './eager-samples.js';
import { eagerGroups, groupBy, linkKey, needsLink, readBatchContext, registerGroups, type BatchContext, type StoredSample } from './meter-value-context.js';
import { powerWatts } from '#csms/ocpp';
import { naturalKey, normalizeMeterValues, toBaseUnit, type MeterValueRow, type NormalizeInput } from './sampled-values.js';
import { arrayLiteral, type ArrayElement, type Sql } from '#csms/persistence';
import { METERING_METER_VALUES_TABLE, type MeteringMeterValuesRow } from './readings.service.rows.js';

export const DEFAULT_LATE_READING_WINDOW_SEC = 120;

/** How each column of metering_meter_values but its generated id is filled from a reading. */
const WRITTEN: { readonly [C in Exclude<keyof MeteringMeterValuesRow, 'id'>]: (r: MeterValueRow) => ArrayElement } = {
  charger_id: (r) => r.chargerId,
  connector_id: (r) => r.connectorId,
  transaction_id: (r) => r.transactionId,
  timestamp: (r) => r.timestamp,
  measurand: (r) => r.measurand,
  phase: (r) => r.phase,
  location: (r) => r.location,
  context: (r) => r.context,
  format: (r) => r.format,
  unit: (r) => r.unit,
  value_raw: (r) => r.valueRaw,
  value_num: (r) => r.valueNum,
  source: (r) => r.source,
  eager: (r) => r.eager,
  anomaly: (r) => (r.anomalies.length ? [...new Set(r.anomalies)].join(',') : null),
  received_at: (r) => r.receivedAt,
};
const COLUMNS = Object.keys(WRITTEN) as (keyof typeof WRITTEN)[];
// Each array parameter's element type is the column's own (the table description), nullability aside.
const CASTS = COLUMNS.map((c) => METERING_METER_VALUES_TABLE.columns[c].replace(/ null$/, ''));

/**
 * Writes readings with the caller's `Sql` (a StopTransaction's own transaction, or none for a MeterValues batch,
 * whose only write is the INSERT): links them to their transaction, flags
 * registers going backwards and eager / early samples, then one multi-row INSERT ... ON CONFLICT DO NOTHING,
 * so a redelivered batch or StopTransaction.transactionData already seen doubles nothing.
 *
 * Two statements per batch whatever its size or number of chargers: one read of everything the flags need
 * (readBatchContext) and the insert. A statement per (charger, connector) group made the metering consumer
 * the slowest stage of the MeterValues path (docs/benchmarks.md#the-metering-write-path).
 */
export class MeterValueWriter {
  constructor(private readonly lateReadingWindowSec = DEFAULT_LATE_READING_WINDOW_SEC) {}

  /** Returns the number of rows actually inserted (new readings). */
  async write(q: Sql, inputs: NormalizeInput[]): Promise<number> {
    const all = inputs.flatMap((i) => normalizeMeterValues(i));
    if (all.length === 0) return 0;
    const ctx = await readBatchContext(q, all, this.lateReadingWindowSec);
    for (const r of all) if (needsLink(r)) r.transactionId = ctx.linked.get(linkKey(r)) ?? null;
    const byKey = new Map<string, MeterValueRow>();
    for (const r of all) if (!byKey.has(naturalKey(r))) byKey.set(naturalKey(r), r);
    // One order for every writer: concurrent replicas take index locks in the same order (no deadlocks).
    const rows = [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, r]) => r);
    flagRegisters(rows, ctx.registerBefore);
    flagEager(rows, ctx);
    // One array parameter per column (unnest), not one parameter per value: the statement text and its
    // parameter count stay the same for any batch size, so the server parses 16 parameters instead of
    // 16 per row. WITH ORDINALITY + ORDER BY keeps the sorted order above, which is the lock order.
    // Each array goes as its literal text, built in one pass (arrayLiteral), not as a JS array for the driver.
    const params = COLUMNS.map((c) => arrayLiteral(rows.map(WRITTEN[c])));
    const inserted = await q.execute(
      `INSERT INTO metering_meter_values (${COLUMNS.map((c) => `"${c}"`).join(',')})
       SELECT ${COLUMNS.map((_, i) => `c${i}`).join(',')}
         FROM unnest(${CASTS.map((c, i) => `$${i + 1}::${c}[]`).join(',')}) WITH ORDINALITY AS u(${COLUMNS.map((_, i) => `c${i}`).join(',')}, ord)
        ORDER BY ord
       ON CONFLICT DO NOTHING`,
      params,
    );
    return inserted;
  }
}

/** `.Register` values rise monotonically (docs/reference/protocol-notes.md#meter-values): one that goes backwards is flagged. */
function flagRegisters(rows: MeterValueRow[], before: Map<string, number | null>): void {
  for (const [key, group] of registerGroups(rows)) {
    let last = before.get(key) ?? null;
    for (const r of group.sort((a, b) => a.timestamp.localeCompare(b.timestamp))) {
      const v = toBaseUnit(r.valueNum as number, r.unit);
      if (last !== null && v < last) r.anomalies.push('register-backwards');
      last = v;
    }
  }
}

/** Marks eager Sample.Periodic readings and flags early ones without a power change (eager-samples.ts). */
function flagEager(rows: MeterValueRow[], ctx: BatchContext): void {
  for (const [key, group] of eagerGroups(rows)) {
    const s = ctx.settings.get(group[0].chargerId);
    if (!s || s.sampleIntervalSec <= 0) continue;
    const byTime = groupBy(group, (r) => r.timestamp);
    const times = [...byTime.keys()].sort();
    const samples: PeriodicSample[] = times.map((t) => ({ at: Date.parse(t), powerW: powerOf(byTime.get(t) ?? []) }));
    const { verdicts } = classifySamples(s, stateAfter(ctx.previousSample.get(key)), samples);
    times.forEach((t, i) => {
      const v = verdicts[i];
      const anomaly = anomalyOf(v);
      for (const r of byTime.get(t) ?? []) {
        if (v === 'eager') r.eager = true;
        if (anomaly) r.anomalies.push(anomaly);
      }
    });
  }
}

/** Power.Active.Import of one sample in W (the one rule: libs/ocpp powerWatts). */
export function powerOf(rows: Array<Pick<MeterValueRow, 'measurand' | 'phase' | 'valueNum' | 'unit'>>): number | null {
  return powerWatts(rows.map((r) => ({ measurand: r.measurand, phase: r.phase, value: r.valueNum, unit: r.unit })));
}

/** The charger's timer state after the stored sample (the last Sample.Periodic before a group). */
function stateAfter(prev: StoredSample[] | undefined): SampleState {
  if (!prev?.length) return { lastSampleAt: null, lastPowerW: null };
  return { lastSampleAt: new Date(prev[0].timestamp).getTime(), lastPowerW: powerOf(prev) };
}
