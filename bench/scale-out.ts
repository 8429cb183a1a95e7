/**
 * `npm run bench:scale`: the scale-out benchmark (docs/benchmarks.md, "Scale-out"; the capacity table in
 * docs/deploy.md, section 4). N gateway processes (default 4) on NATS JetStream + PostgreSQL with the
 * chargers spread over them (default 40,000 in all), MeterValues flowing, commands through every gateway's
 * API to chargers on the other gateways; then the same with 1 gateway (default 10,000 chargers) for
 * comparison. Prints per gateway: chargers held, RSS and V8 heap per charger, CPU per 1,000 frames/s,
 * command p50/p99. Prints, never asserts. Exit code 2 on a bad flag, 1 when a run could not be carried out.
 */
import { join } from 'node:path';
import { BenchArgsError } from './lib/flags.js';
import { parseScaleArgs, SCALE_USAGE, type ScaleOptions } from './lib/scale-args.js';
import { measureRun, type RunFigures } from './lib/scale-run.js';
import { scaleMarkdown } from './lib/scale-report.js';
import { benchDir, cleanupAll, stopChildren } from './lib/procs.js';
import { machine, writeResults } from './lib/report.js';

async function main(o: ScaleOptions): Promise<void> {
  const m = machine();
  const t0 = Date.now();
  console.log(
    `scale-out: ${o.gateways} gateways x ${o.chargers} chargers, then 1 gateway x ${o.singleChargers}; ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node}, load average at start ${m.loadAverage1m}`,
  );
  const runs: RunFigures[] = [await measureRun(o, 'scale-out', o.gateways, o.chargers, o.mvRate)];
  // The comparison run: the same MeterValues rate per charger, so per gateway it carries what one of the N did.
  if (o.singleChargers > 0) runs.push(await measureRun(o, 'single', 1, o.singleChargers, (o.mvRate * o.singleChargers) / o.chargers));
  const date = new Date().toISOString();
  const md = scaleMarkdown(date, m, o, runs);
  const dir = o.resultsDir ?? join(benchDir, '../../bench/results');
  const files = writeResults(
    dir,
    `scale-out-${date.slice(0, 19).replace(/:/g, '-')}`,
    { date, machine: m, options: o, runs, totalSeconds: (Date.now() - t0) / 1000 },
    md,
  );
  console.log(`\n${md}`);
  console.log(`scale-out: done in ${((Date.now() - t0) / 1000).toFixed(0)} s; results in ${files.md} and ${files.json}`);
}

let options: ScaleOptions;
try {
  options = parseScaleArgs(process.argv.slice(2));
} catch (err) {
  if (!(err instanceof BenchArgsError)) throw err;
  console.error(`scale-out: ${err.message}\n${SCALE_USAGE}`);
  process.exit(2);
}

let stopping = false;
const interrupt = (sig: string): void => {
  if (stopping) return;
  stopping = true;
  console.log(`\nscale-out: ${sig}, cleaning up`);
  void stopChildren()
    .then(() => cleanupAll())
    .finally(() => process.exit(130));
};
process.on('SIGINT', () => interrupt('SIGINT'));
process.on('SIGTERM', () => interrupt('SIGTERM'));
main(options).then(
  async () => {
    await cleanupAll();
    process.exit(0);
  },
  async (err: unknown) => {
    console.error(`scale-out: ${err instanceof Error ? err.stack : String(err)}`);
    await cleanupAll();
    process.exit(1);
  },
);
