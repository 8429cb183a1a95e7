/**
 * 2. durable path: MeterValues round trips/s through the gateway on NATS JetStream (answered only after
 *    JetStream acked) vs a bare `ws` + JetStream publish-and-ack server.
 * 7. metering write path: meter rows/s written gateway -> JetStream -> metering -> PostgreSQL,
 *    counted in metering_meter_values until all arrived, vs a bare COPY FROM STDIN of the same number of
 *    rows into a same-shaped table (LIKE ... INCLUDING ALL: same indexes) in the same database.
 */
import pg from 'pg';
import { METERING_TABLES } from '#csms/metering';
import { startNatsServer } from '#csms/testing';
import type { BenchOptions, BenchResult, LoadResult, Row } from '../lib/context.js';
import { SAMPLED_VALUES_PER_METER_VALUES } from '../lib/ocpp-frames.js';
import { copyFromStdin } from '../lib/pg-copy.js';
import { cpuSeconds, onCleanup, sleep, startBaseline, startLoadClient, waitIdle } from '../lib/procs.js';
import { ratio, round } from '../lib/stats.js';
import { startAllInOne } from '../lib/system.js';
import { closedLoop, connectBooted } from './throughput.js';

const meterValues = METERING_TABLES.find((t) => t.table === 'metering_meter_values');
if (!meterValues) throw new Error('metering describes no metering_meter_values table');
// Every column but the generated id, in the description's order: the order copyLines writes a row's fields in.
const COPY_COLS = Object.keys(meterValues.columns)
  .filter((c) => c !== 'id')
  .map((c) => `"${c}"`);

function copyLines(rows: number, chargers: number): string[] {
  const kinds = [
    ['Energy.Active.Import.Register', '\\N', 'Wh'],
    ['Power.Active.Import', '\\N', 'W'],
    ['Current.Import', 'L1', 'A'],
    ['Voltage', 'L1-N', 'V'],
  ];
  const base = Date.UTC(2031, 0, 1);
  const now = new Date().toISOString();
  const lines: string[] = [];
  for (let i = 0; i < rows; i++) {
    const msg = Math.floor(i / kinds.length);
    const [measurand, phase, unit] = kinds[i % kinds.length];
    const ts = new Date(base + Math.floor(msg / chargers) * 1000).toISOString();
    lines.push(
      `BCOPY-${msg % chargers}\t1\t\\N\t${ts}\t${measurand}\t${phase}\tOutlet\tSample.Periodic\tRaw\t${unit}\t${1000 + i}\t${1000 + i}\tMeterValues\tf\t\\N\t${now}`,
    );
  }
  return lines;
}

export async function durable(o: BenchOptions): Promise<BenchResult> {
  const lc = await startLoadClient();
  const notes: string[] = [];
  const rows: Row[] = [];
  const details: Record<string, unknown> = {};
  try {
    // --- ours: gateway on NATS JetStream + PostgreSQL ---
    const sys = await startAllInOne({ durable: true });
    let ours: LoadResult;
    let pathRowsPerSec = NaN;
    let expectedRows = 0;
    let copyRowsPerSec = NaN;
    let meteringLagS = NaN;
    let intakeRowsPerSec = NaN;
    let cpuUsPerMeterValues = NaN;
    let idleWaitedMs = NaN;
    try {
      const db = new pg.Client({ connectionString: sys.databaseUrl });
      await db.connect();
      const offDb = onCleanup('pg client', () => db.end());
      try {
        const prefix = `DUR${Date.now() % 100000}-`;
        const group = prefix;
        const conn = await connectBooted(lc, sys.wsUrl, o, prefix);
        if (conn.failed) notes.push(`${conn.failed} sockets failed to connect`);
        // The boots' configuration reconciliations trail the connects: the figures are of MeterValues, so they start
        // once that work is done (as the command latency benchmark's commands do).
        idleWaitedMs = await waitIdle(sys.pid);
        const count = async (): Promise<number> => Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM metering_meter_values')).rows[0].n);
        const before = await count();
        const cpu0 = cpuSeconds(sys.pid);
        const t0 = performance.now();
        ours = await lc.call<LoadResult>('load', { group, action: 'MeterValues', warmupMs: o.warmupS * 1000, durationMs: o.durationS * 1000 });
        const loadEnded = performance.now();
        console.log(`    ours (JetStream) MeterValues: ${Math.round(ours.perSecond)} round trips/s (p99 ${ours.latency.p99} ms, ${ours.failed} failed)`);
        expectedRows = ours.totalOk * SAMPLED_VALUES_PER_METER_VALUES;
        let n = before;
        const deadline = Date.now() + 180_000;
        while (n - before < expectedRows && Date.now() < deadline) {
          await sleep(100);
          n = await count();
        }
        const elapsed = (performance.now() - t0) / 1000;
        if (n - before < expectedRows)
          notes.push(`metering: only ${n - before} of ${expectedRows} rows arrived within 180 s after the load; the figure counts those.`);
        pathRowsPerSec = (n - before) / elapsed;
        // The path cannot beat the rate the gateway takes MeterValues in; the lag says how far metering trails it.
        meteringLagS = (performance.now() - loadEnded) / 1000;
        // The server's CPU (utime + stime, every thread) per MeterValues taken in and stored: unlike the rate of a
        // closed loop, which waits on latency and on whatever else the two cores run, it compares builds fairly.
        cpuUsPerMeterValues = ((cpuSeconds(sys.pid) - cpu0) * 1e6) / ours.totalOk;
        intakeRowsPerSec = ours.perSecond * SAMPLED_VALUES_PER_METER_VALUES;
        console.log(
          `    whole path: ${n - before} rows in ${elapsed.toFixed(1)} s = ${Math.round(pathRowsPerSec)} rows/s; gateway intake ${Math.round(intakeRowsPerSec)} rows/s; last row ${meteringLagS.toFixed(1)} s after the load ended; server CPU ${Math.round(cpuUsPerMeterValues)} µs per MeterValues`,
        );
        await lc.call('close', { group });

        // --- bare COPY of the same number of rows into a same-shaped table, same database ---
        await db.query('CREATE TABLE bench_meter_values (LIKE metering_meter_values INCLUDING ALL)');
        const lines = copyLines(expectedRows, o.sockets);
        const c0 = performance.now();
        await copyFromStdin(db, 'bench_meter_values', COPY_COLS, lines);
        const copyS = (performance.now() - c0) / 1000;
        copyRowsPerSec = expectedRows / copyS;
        const copied = Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM bench_meter_values')).rows[0].n);
        console.log(`    bare COPY FROM STDIN: ${copied} rows in ${copyS.toFixed(2)} s = ${Math.round(copyRowsPerSec)} rows/s`);
      } finally {
        offDb();
        await db.end();
      }
    } finally {
      await sys.stop();
    }

    // --- baseline: bare ws + JetStream publish-and-ack ---
    const nats = await startNatsServer({ jetstream: true });
    const offNats = onCleanup('nats-server (bare-js)', () => nats.dispose());
    let base: LoadResult;
    try {
      const bare = await startBaseline('bare-js', nats.url);
      try {
        base = (await closedLoop(lc, { url: bare.url, stop: () => bare.worker.stop() }, o, 'DURB-', ['MeterValues'])).MeterValues;
      } finally {
        await bare.worker.stop();
      }
    } finally {
      offNats();
      await nats.dispose();
    }
    rows.push({
      bench: 'durable',
      figure: 'MeterValues round trips/s (JetStream acked)',
      unit: '1/s',
      ours: round(ours.perSecond, 0),
      baselineName: 'bare ws + JetStream publish-and-ack',
      baseline: round(base.perSecond, 0),
      ratio: ratio(ours.perSecond, base.perSecond),
      better: 'higher',
      note: `p99 ${ours.latency.p99} ms vs ${base.latency.p99} ms`,
    });
    rows.push({
      bench: 'metering',
      figure: `meter rows/s into PostgreSQL (${expectedRows} rows)`,
      unit: 'rows/s',
      ours: round(pathRowsPerSec, 0),
      baselineName: 'bare COPY FROM STDIN, same table shape',
      baseline: round(copyRowsPerSec, 0),
      ratio: ratio(pathRowsPerSec, copyRowsPerSec),
      better: 'higher',
      note: `ours: from the first MeterValues sent until the last row is in the table; the gateway took ${Math.round(intakeRowsPerSec)} rows/s in (the ceiling, ratio ${ratio(intakeRowsPerSec, copyRowsPerSec)}) and the last row arrived ${round(meteringLagS, 1)} s after the load ended; the server spent ${Math.round(cpuUsPerMeterValues)} µs of CPU per MeterValues (intake and metering)`,
    });
    details.ours = ours;
    details.bareJetStream = base;
    details.metering = { intakeRowsPerSec, meteringLagS, cpuUsPerMeterValues, idleWaitedMs };
    notes.push(
      `${o.sockets} sockets x ${SAMPLED_VALUES_PER_METER_VALUES} sampled values per MeterValues; all-in-one with NATS_URL + DATABASE_URL (own nats-server, fresh database). MeterValues start once the server went idle after the boots (their configuration reconciliations done; waited ${(idleWaitedMs / 1000).toFixed(0)} s).`,
      'The COPY baseline is a real COPY ... FROM STDIN (pg Submittable driving CopyData/CopyDone), one statement, into a table created LIKE metering_meter_values INCLUDING ALL (same unique natural key and indexes).',
    );
    return { rows, details, notes };
  } finally {
    await lc.stop();
  }
}
