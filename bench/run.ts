/**
 * `npm run bench`: the load and benchmark suite (docs/benchmarks.md). Every figure is printed
 * beside a baseline measured in the same run on the same machine, with the ratio. Benchmarks print, they
 * never assert. Flags: --quick (about five minutes, small sizes), --only a,b, --density 10000,20000,
 * --chargers N (command latency and storm), --duration S, --sockets N (throughput), --basic-auth (the
 * connection benchmarks' chargers use Basic Auth, security profile 1), --busy (a sibling process burns one core
 * for the whole run: a known load for "busy machine" figures), --server-root <checkout> (the system under test is
 * that checkout's build, under this harness: for telling a server regression from a harness change).
 * `--only npm-test` (never in the default run, about half an hour): `npm test`'s wall and tier times.
 * Flags are strict (bench/lib/flags.ts): an unknown one stops the run with exit code 2.
 * The default sizes are the issue's: density at 10k and 20k chargers, command latency, the reconnect storm, the
 * cold Basic Auth storm and the reconciliation backlog with 10k (about 12-13 minutes on a 2-core machine). A size above what the open-files limit allows is
 * capped and the cap is printed and written into the results.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchOptions, BenchResult, Row } from './lib/context.js';
import { startBusySibling } from './lib/busy.js';
import { serverRoot, serverRootAt, useServerRoot } from './lib/server-root.js';
import { BenchArgsError, parseFlags, type FlagSpec } from './lib/flags.js';
import { benchDir, cleanupAll, stopChildren } from './lib/procs.js';
import { machine, markdown, writeResults } from './lib/report.js';
import { durable } from './suites/durable.js';
import { authStorm } from './suites/auth-storm.js';
import { density, latency, storm } from './suites/connections.js';
import { npmTest } from './suites/npm-test.js';
import { reconcile } from './suites/reconcile.js';
import { startup } from './suites/startup.js';
import { peer, throughput } from './suites/throughput.js';

const BENCHES: Record<string, (o: BenchOptions) => Promise<BenchResult>> = {
  throughput,
  durable,
  peer,
  density,
  latency,
  storm,
  'auth-storm': authStorm,
  reconcile,
  startup,
  'npm-test': npmTest,
};
/** Run only when named in --only: `npm test` takes about half an hour on 2 cores. */
const OPT_IN = new Set(['npm-test']);
/** `metering` is measured in the same run as `durable`. */
const ALIASES: Record<string, string> = { metering: 'durable', 'command-latency': 'latency', reconnect: 'storm', 'reconcile-backlog': 'reconcile' };
const WANT_NOFILE = 65_536;

const FLAGS: Record<string, FlagSpec> = {
  quick: { kind: 'boolean' },
  'basic-auth': { kind: 'boolean' },
  busy: { kind: 'boolean' },
  only: { kind: 'string' },
  duration: { kind: 'number', min: 1, integer: false },
  sockets: { kind: 'number', min: 1, integer: true },
  density: { kind: 'numbers', min: 1 },
  chargers: { kind: 'number', min: 1, integer: true },
  'server-root': { kind: 'string' },
};

/** Strict (bench/lib/flags.ts): an unknown flag or benchmark name stops the run before anything starts. */
function options(argv: readonly string[]): BenchOptions {
  const f = parseFlags(argv, FLAGS);
  const quick = f.get('quick') === true;
  const chargers = f.get('chargers') as number | undefined;
  const only = (f.get('only') as string | undefined)?.split(',').map((s) => ALIASES[s.trim()] ?? s.trim());
  const unknown = only?.filter((name) => !(name in BENCHES));
  if (unknown?.length)
    throw new BenchArgsError(`--only: unknown benchmark ${unknown.join(', ')} (known: ${[...Object.keys(BENCHES), ...Object.keys(ALIASES)].join(', ')})`);
  const o: BenchOptions = {
    quick,
    only: only ? new Set(only) : null,
    durationS: (f.get('duration') as number | undefined) ?? (quick ? 3 : 10),
    warmupS: quick ? 1 : 2,
    sockets: (f.get('sockets') as number | undefined) ?? 100,
    density: (f.get('density') as number[] | undefined) ?? (quick ? [500, 1_000] : [10_000, 20_000]),
    latencyChargers: chargers ?? (quick ? 500 : 10_000),
    commandsPerSec: 100,
    latencyS: quick ? 5 : 15,
    backgroundMvPerSec: quick ? 50 : 167,
    stormChargers: chargers ?? (quick ? 500 : 10_000),
    stormWindowS: quick ? 2 : 10,
    reconcileChargers: chargers ?? (quick ? 500 : 10_000),
    localAddrs: 8,
    basicAuth: f.get('basic-auth') === true,
    busy: f.get('busy') === true,
  };
  const root = f.get('server-root') as string | undefined;
  if (root !== undefined) useServerRoot(serverRootAt(root));
  return o;
}

function nofileLimit(): number {
  const m = /Max open files\s+(\d+|unlimited)/.exec(readFileSync('/proc/self/limits', 'utf8'));
  return !m || m[1] === 'unlimited' ? Infinity : Number(m[1]);
}

/**
 * 20k sockets need more than a 20k descriptor limit in the server and the client. Raise it for this
 * process tree only (ulimit in a shell that execs us again; works as root or below the hard limit);
 * nothing system-wide changes.
 */
function reexecWithMoreFiles(): Promise<number> | null {
  if (process.env.BENCH_NOFILE_TRIED || nofileLimit() >= WANT_NOFILE) return null;
  const script = `ulimit -Hn ${WANT_NOFILE} 2>/dev/null; ulimit -Sn ${WANT_NOFILE} 2>/dev/null || ulimit -Sn $(ulimit -Hn); exec "$0" "$@"`;
  const child = spawn('/bin/sh', ['-c', script, process.execPath, ...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, BENCH_NOFILE_TRIED: '1' },
  });
  process.on('SIGINT', () => undefined); // the child (same process group) gets it and cleans up
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  return new Promise((res) => child.on('exit', (code) => res(code ?? 1)));
}

async function main(o: BenchOptions): Promise<void> {
  const limit = nofileLimit();
  const skipped: Record<string, string> = {};
  const maxSockets = limit - 600;
  const capNote: string[] = [];
  if (o.density.some((n) => n > maxSockets)) {
    // The server holds one descriptor per socket plus its own: a size above the limit is measured at the limit.
    capNote.push(
      `density sizes ${o.density.filter((n) => n > maxSockets).join(', ')} capped to ${maxSockets}: the open-files limit of a process here is ${limit} and could not be raised (no CAP_SYS_RESOURCE)`,
    );
    o.density = [...new Set(o.density.map((n) => Math.min(n, maxSockets)))];
  }
  for (const k of ['latencyChargers', 'stormChargers', 'reconcileChargers'] as const) if (o[k] > maxSockets) o[k] = maxSockets;

  const m = machine();
  const selected = Object.keys(BENCHES).filter((b) => (o.only ? o.only.has(b) : !OPT_IN.has(b)));
  console.log(`bench: ${selected.join(', ')} on ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node} (open files limit ${limit})`);
  console.log(
    `bench: sizes: throughput ${o.sockets} sockets x ${o.durationS} s (+${o.warmupS} s warm-up); density ${o.density.join(', ')}; ` +
      `command latency ${o.latencyChargers} chargers, ${o.commandsPerSec}/s for ${o.latencyS} s, background ${o.backgroundMvPerSec} MeterValues/s; ` +
      `storm and cold Basic Auth storm ${o.stormChargers} chargers within ${o.stormWindowS} s; reconciliation backlog after a ${o.reconcileChargers}-charger storm; chargers connect ${o.basicAuth ? 'with Basic Auth (profile 1)' : 'without Basic Auth (profile 0)'}`,
  );
  for (const c of capNote) console.log(`bench: ${c}`);
  const sut = serverRoot();
  console.log(`bench: system under test: ${sut.own ? 'this checkout' : sut.dir} at ${sut.revision}`);
  const busy = o.busy ? startBusySibling() : null;
  if (busy) console.log(`bench: --busy: pid ${busy.pid} burns one core until the end of the run`);
  const t0 = Date.now();
  const rows: Row[] = [];
  const details: Record<string, unknown> = {};
  const notes: Record<string, string[]> = {};
  for (const name of selected) {
    if (name === 'density' && o.density.length === 0) continue;
    const started = Date.now();
    console.log(`\n== ${name}`);
    try {
      const r = await BENCHES[name](o);
      rows.push(...r.rows);
      details[name] = r.details;
      notes[name] = name === 'density' ? [...capNote, ...r.notes] : r.notes;
      for (const row of r.rows) {
        console.log(
          `  ${row.figure}: ours ${row.ours} ${row.unit} | ${row.baselineName} ${row.baseline} ${row.unit} | ratio ours/baseline ${row.ratio} (${row.better} is better)`,
        );
      }
    } catch (err) {
      // A benchmark that cannot run is reported, never fatal for the others.
      skipped[name] = err instanceof Error ? err.message.split('\n')[0] : String(err);
      console.log(`  ${name}: could not run: ${skipped[name]}`);
      await cleanupAll();
    }
    console.log(`  (${name}: ${((Date.now() - started) / 1000).toFixed(0)} s)`);
  }
  await busy?.stop();
  const date = new Date().toISOString();
  const md = markdown(date, m, o, rows, notes, skipped, sut);
  const files = writeResults(
    join(benchDir, '../../bench/results'),
    date.slice(0, 19).replace(/:/g, '-'),
    {
      date,
      machine: m,
      options: { ...o, only: o.only ? [...o.only] : null },
      systemUnderTest: sut,
      rows,
      notes,
      skipped,
      details,
      totalSeconds: (Date.now() - t0) / 1000,
    },
    md,
  );
  console.log(`\n${md}`);
  console.log(`bench: done in ${((Date.now() - t0) / 1000).toFixed(0)} s; results in ${files.md} and ${files.json}`);
}

let stopping = false;
const interrupt = (sig: string): void => {
  if (stopping) return;
  stopping = true;
  console.log(`\nbench: ${sig}, cleaning up`);
  void stopChildren()
    .then(() => cleanupAll())
    .finally(() => process.exit(130));
};

let parsed: BenchOptions;
try {
  parsed = options(process.argv.slice(2));
} catch (err) {
  if (!(err instanceof BenchArgsError)) throw err;
  console.error(
    `bench: ${err.message}\nusage: npm run bench -- [--quick] [--only ${Object.keys(BENCHES).join(',')}] [--density 10000,20000] [--chargers N] [--duration S] [--sockets N] [--basic-auth] [--busy] [--server-root <checkout>]`,
  );
  process.exit(2);
}

const reexec = reexecWithMoreFiles();
if (reexec) {
  void reexec.then((code) => process.exit(code));
} else {
  process.on('SIGINT', () => interrupt('SIGINT'));
  process.on('SIGTERM', () => interrupt('SIGTERM'));
  main(parsed).then(
    async () => {
      await cleanupAll();
      process.exit(0);
    },
    async (err: unknown) => {
      console.error(err);
      await cleanupAll();
      process.exit(1);
    },
  );
}
