import type { EagerSettings } from './eager-samples.js';
import { toBaseUnit, type MeterValueRow } from './sampled-values.js';
import type { Sql } from '#csms/persistence';

/** A reading of the previous stored Sample.Periodic of an eager group. */
export interface StoredSample {
  timestamp: string;
  measurand: string;
  phase: string | null;
  valueNum: number | null;
  unit: string;
}

/** What the flags of one batch need from the database, read in one statement (readBatchContext). */
export interface BatchContext {
  /** linkKey -> the transaction a reading without transactionId belongs to (null: none). */
  linked: Map<string, number | null>;
  /** registerKey -> the stored register value (base unit) just before the group's first timestamp. */
  registerBefore: Map<string, number | null>;
  settings: Map<string, EagerSettings>;
  /** eagerKey (after linking) -> the readings of the last stored Sample.Periodic before the group's first one. */
  previousSample: Map<string, StoredSample[]>;
}

/** Readings without transactionId are linked to the transaction of their connector by their timestamp. */
export const needsLink = (r: MeterValueRow): boolean => r.transactionId === null && r.connectorId > 0 && r.source === 'MeterValues';
const isPeriodic = (r: MeterValueRow): boolean => r.context === 'Sample.Periodic' && r.source === 'MeterValues';
export const linkKey = (r: MeterValueRow): string => [r.chargerId, r.connectorId, r.timestamp].join('\u0000');
const eagerKey = (chargerId: string, connectorId: number, transactionId: number | null): string => [chargerId, connectorId, transactionId ?? ''].join('\u0000');

/** Register readings by (charger, connector, measurand, phase, location): a register's own sequence. */
export function registerGroups(rows: MeterValueRow[]): Map<string, MeterValueRow[]> {
  return groupBy(
    rows.filter((r) => r.measurand.endsWith('.Register') && r.valueNum !== null),
    (r) => [r.chargerId, r.connectorId, r.measurand, r.phase ?? '', r.location].join('\u0000'),
  );
}

/** Sample.Periodic readings by (charger, connector, transaction): the charger's timer is per connector and restarts with each transaction. */
export function eagerGroups(rows: MeterValueRow[]): Map<string, MeterValueRow[]> {
  return groupBy(rows.filter(isPeriodic), (r) => eagerKey(r.chargerId, r.connectorId, r.transactionId));
}

type Json<T> = T[] | null;

/**
 * One statement for a whole batch: the transaction link of each (charger, connector, timestamp) without a
 * transactionId (running at that time, or stopped less than `lateWindowSec` before it: Go 2 sends its last
 * sample after the Stop, docs/reference/design-decisions.md#metering), the stored register value before
 * each register group, the chargers' sampling settings, and the last stored Sample.Periodic before each
 * (charger, connector, linked transaction) group. The eager groups are formed in SQL from the linked
 * transaction ids, which is why the link and the sample lookup share the statement instead of following
 * each other. `rows` are the normalised readings before linking and de-duplication; neither changes a
 * group's first timestamp.
 */
export async function readBatchContext(q: Sql, rows: MeterValueRow[], lateWindowSec: number): Promise<BatchContext> {
  // Distinct points that need a link, a sample lookup or both.
  const points = new Map<string, { r: MeterValueRow; link: boolean; periodic: boolean }>();
  for (const r of rows) {
    const link = needsLink(r);
    const periodic = isPeriodic(r);
    if (!link && !periodic) continue;
    const key = [linkKey(r), r.transactionId ?? ''].join('\u0000');
    const p = points.get(key);
    if (p) {
      p.link ||= link;
      p.periodic ||= periodic;
    } else points.set(key, { r, link, periodic });
  }
  const pts = [...points.values()];
  const registers = [...registerGroups(rows).entries()].map(([key, g]) => ({ key, first: g.reduce((a, b) => (b.timestamp < a.timestamp ? b : a)) }));
  if (pts.length === 0 && registers.length === 0) return { linked: new Map(), registerBefore: new Map(), settings: new Map(), previousSample: new Map() };

  const [ctx] = await q.query<{
    links: Json<[number, number | null]>;
    settings: Json<[string, number, number]>;
    samples: Json<[string, number, number | null, string, string, string | null, number | null, string]>;
    registers: Json<[number, number | null, string | null]>;
  }>(
    `WITH pt AS (
       SELECT * FROM unnest($1::text[], $2::integer[], $3::integer[], $4::timestamptz[], $5::boolean[], $6::boolean[]) WITH ORDINALITY
         AS pt(charger_id, connector_id, tx, ts, needs_link, periodic, i)),
     linked AS (
       SELECT pt.i, pt.charger_id, pt.connector_id, pt.ts, pt.needs_link, pt.periodic, CASE WHEN pt.needs_link THEN t.id ELSE pt.tx END AS tx
         FROM pt LEFT JOIN LATERAL (
           SELECT id FROM metering_transactions m
            WHERE pt.needs_link AND m.charger_id = pt.charger_id AND m.connector_id = pt.connector_id AND m.started_at <= pt.ts
              AND (m.stopped_at IS NULL OR m.stopped_at > pt.ts - make_interval(secs => $7))
            ORDER BY m.started_at DESC LIMIT 1) t ON true),
     settings AS (
       SELECT charger_id, meter_value_sample_interval, eager_delta FROM metering_charger_settings
        WHERE charger_id IN (SELECT charger_id FROM pt WHERE periodic)),
     groups AS (
       SELECT l.charger_id, l.connector_id, l.tx, min(l.ts) AS first_ts
         FROM linked l JOIN settings s ON s.charger_id = l.charger_id AND s.meter_value_sample_interval > 0
        WHERE l.periodic GROUP BY l.charger_id, l.connector_id, l.tx),
     samples AS (
       SELECT g.charger_id, g.connector_id, g.tx, v."timestamp", v.measurand, v.phase, v.value_num, v.unit
         FROM groups g
         CROSS JOIN LATERAL (
           SELECT max(p."timestamp") AS at FROM metering_meter_values p
            WHERE p.charger_id = g.charger_id AND p.connector_id = g.connector_id AND p.transaction_id IS NOT DISTINCT FROM g.tx
              AND p.context = 'Sample.Periodic' AND p."timestamp" < g.first_ts) mx
         -- OFFSET 0 keeps this a per-group index lookup: flattened, the planner joined the whole table.
         CROSS JOIN LATERAL (
           SELECT m."timestamp", m.measurand, m.phase, m.value_num, m.unit FROM metering_meter_values m
            WHERE m.charger_id = g.charger_id AND m.connector_id = g.connector_id AND m."timestamp" = mx.at
              AND m.transaction_id IS NOT DISTINCT FROM g.tx AND m.context = 'Sample.Periodic' OFFSET 0) v),
     reg AS (
       SELECT * FROM unnest($8::text[], $9::integer[], $10::text[], $11::text[], $12::text[], $13::timestamptz[]) WITH ORDINALITY
         AS k(charger_id, connector_id, measurand, phase, location, ts, i)),
     reg_prev AS (
       SELECT k.i, p.value_num, p.unit FROM reg k
         LEFT JOIN LATERAL (
           SELECT value_num, unit FROM metering_meter_values m
            WHERE m.charger_id = k.charger_id AND m.connector_id = k.connector_id AND m.measurand = k.measurand
              AND COALESCE(m.phase, '') = k.phase AND m.location = k.location AND m.value_num IS NOT NULL AND m."timestamp" < k.ts
            ORDER BY m."timestamp" DESC LIMIT 1) p ON true)
     SELECT (SELECT json_agg(json_build_array(i, tx)) FROM linked WHERE needs_link) AS links,
            (SELECT json_agg(json_build_array(charger_id, meter_value_sample_interval, eager_delta)) FROM settings) AS settings,
            (SELECT json_agg(json_build_array(charger_id, connector_id, tx, "timestamp", measurand, phase, value_num, unit)) FROM samples) AS samples,
            (SELECT json_agg(json_build_array(i, value_num, unit)) FROM reg_prev) AS registers`,
    [
      pts.map((p) => p.r.chargerId),
      pts.map((p) => p.r.connectorId),
      pts.map((p) => p.r.transactionId),
      pts.map((p) => p.r.timestamp),
      pts.map((p) => p.link),
      pts.map((p) => p.periodic),
      lateWindowSec,
      registers.map((g) => g.first.chargerId),
      registers.map((g) => g.first.connectorId),
      registers.map((g) => g.first.measurand),
      registers.map((g) => g.first.phase ?? ''),
      registers.map((g) => g.first.location),
      registers.map((g) => g.first.timestamp),
    ],
  );

  const linked = new Map<string, number | null>();
  for (const [i, tx] of ctx.links ?? []) linked.set(linkKey(pts[Number(i) - 1].r), tx === null ? null : Number(tx));
  const registerBefore = new Map<string, number | null>();
  for (const [i, value, unit] of ctx.registers ?? [])
    registerBefore.set(registers[Number(i) - 1].key, value === null || unit === null ? null : toBaseUnit(Number(value), unit));
  const settings = new Map<string, EagerSettings>(
    (ctx.settings ?? []).map(([chargerId, interval, delta]) => [chargerId, { sampleIntervalSec: Number(interval), eagerDeltaW: Number(delta) }]),
  );
  const previousSample = new Map<string, StoredSample[]>();
  for (const [chargerId, connectorId, tx, timestamp, measurand, phase, valueNum, unit] of ctx.samples ?? []) {
    const key = eagerKey(chargerId, Number(connectorId), tx === null ? null : Number(tx));
    const list = previousSample.get(key) ?? [];
    list.push({ timestamp, measurand, phase, valueNum: valueNum === null ? null : Number(valueNum), unit });
    previousSample.set(key, list);
  }
  return { linked, registerBefore, settings, previousSample };
}

export function groupBy<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const it of items) {
    const k = key(it);
    const list = m.get(k);
    if (list) list.push(it);
    else m.set(k, [it]);
  }
  return m;
}
