// Entry point: `node dist/apps/simulator/main.js --url ws://127.0.0.1:9000/ocpp --model go --chargers 100 ...`
import { fileURLToPath } from 'node:url';
import { KeyStore, KeyStoreError } from './charger/key-store.js';
import { presetFor } from './charger/presets.js';
import { identityAt, isLoopbackTarget, parseCli, USAGE, UsageError, type CliOptions } from './cli.js';
import { Fleet } from './fleet.js';
import { Progress } from './progress.js';
import { WorkerPool, type WorkerMessage } from './workers.js';

/** Without workers, one source address holds at most this many sockets towards one CSMS port. */
const PER_SOURCE_ADDRESS = 20_000;

function fail(message: string): never {
  process.stderr.write(`simulator: ${message}\n(see --help)\n`);
  process.exit(2);
}

function buildFleet(o: CliOptions, signal: AbortSignal): Fleet {
  const start = o.slice?.start ?? 0;
  const count = o.slice?.count ?? o.chargers;
  const identities = Array.from({ length: count }, (_, i) => identityAt(o, start + i));
  const loopback = isLoopbackTarget(o.url);
  return new Fleet({
    identities,
    rampPerSecond: o.rampPerSecond,
    signal,
    ...(o.scenario ? { scenario: o.scenario } : {}),
    chargerOptions: {
      url: o.url,
      model: o.model,
      keys: o.keys,
      faults: o.faults,
      securityExtension: o.securityExtension,
      ...(o.password !== undefined ? { initialPassword: o.password } : {}),
    },
    ...(o.sourceAddress
      ? { localAddressFor: () => o.sourceAddress }
      : loopback && count > PER_SOURCE_ADDRESS
        ? { localAddressFor: (i: number) => `127.0.0.${1 + Math.floor(i / PER_SOURCE_ADDRESS)}` }
        : {}),
  });
}

async function runWorker(o: CliOptions): Promise<void> {
  const ac = new AbortController();
  const fleet = buildFleet(o, ac.signal);
  process.on('message', (m: { type?: string }) => {
    if (m.type === 'stop') ac.abort();
  });
  process.on('SIGINT', () => undefined); // the parent decides when to stop
  const report = (): void => void process.send?.({ type: 'snapshot', snapshot: fleet.snapshot() } satisfies WorkerMessage);
  const timer = setInterval(report, 1000);
  if (o.durationS) setTimeout(() => ac.abort(), o.durationS * 1000);
  await fleet.run();
  clearInterval(timer);
  await fleet.stop();
  report();
  process.send?.({ type: 'done' } satisfies WorkerMessage);
  process.disconnect?.();
}

async function runParent(o: CliOptions, argv: string[]): Promise<void> {
  const ac = new AbortController();
  let stopRequested = 0;
  if (o.chargers <= o.perProcess) {
    const fleet = buildFleet(o, ac.signal);
    const progress = new Progress(() => fleet.snapshot(), o.quiet);
    process.on('SIGINT', () => (stopRequested++ > 0 ? process.exit(130) : ac.abort()));
    if (o.durationS) setTimeout(() => ac.abort(), o.durationS * 1000).unref();
    progress.start();
    await fleet.run();
    await fleet.stop();
    progress.stop();
    process.stderr.write(`${progress.summary()}\n`);
    const s = fleet.snapshot();
    process.exitCode = s.scenarioErrors > 0 || s.booted + s.stats.boots === 0 ? 1 : 0;
    return;
  }
  const pool = new WorkerPool(o, argv, fileURLToPath(import.meta.url));
  const progress = new Progress(() => pool.snapshot(), o.quiet);
  process.on('SIGINT', () => (stopRequested++ > 0 ? process.exit(130) : pool.stop()));
  if (o.durationS) setTimeout(() => pool.stop(), o.durationS * 1000).unref();
  progress.start();
  await pool.run();
  progress.stop();
  process.stderr.write(`${progress.summary()}\n`);
  const s = pool.snapshot();
  process.exitCode = s.scenarioErrors > 0 || s.stats.boots === 0 ? 1 : 0;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  let o: CliOptions;
  try {
    o = parseCli(argv);
  } catch (e) {
    if (e instanceof UsageError) fail(e.message);
    throw e;
  }
  if (o.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  try {
    // Fail fast on --set keys the model lacks or values it would reject.
    new KeyStore(presetFor(o.model), {
      overrides: o.keys,
      certificateStore: o.securityExtension,
      ...(o.password !== undefined ? { initialPassword: o.password } : {}),
    });
  } catch (e) {
    if (e instanceof KeyStoreError) fail(e.message);
    throw e;
  }
  if (o.worker) await runWorker(o);
  else await runParent(o, argv);
}

main().catch((e: unknown) => {
  process.stderr.write(`simulator: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
