/** The system under test: the built all-in-one process, on the in-process bus or on NATS JetStream + PostgreSQL. */
import { rm, writeFile } from 'node:fs/promises';
import { createTestDatabase, freePort, startNatsServer } from '#csms/testing';
import { startService, tempDir, type ServiceProcess } from '../../test/support/processes.js';
import { collectGarbage, inspectArg } from './collect-garbage.js';
import { onCleanup, trackChild } from './procs.js';
import { serverRoot } from './server-root.js';

export interface System {
  svc: ServiceProcess;
  pid: number;
  wsUrl: string;
  apiUrl: string;
  databaseUrl?: string;
  natsUrl?: string;
  /** Stops the process and starts it again on the same NATS and database (every in-memory cache empty). */
  restart(): Promise<void>;
  /** A full garbage collection in the server (started with `inspect: true`; otherwise it throws). */
  collectGarbage(): Promise<void>;
  stop(): Promise<void>;
}

/** `inspect`: the server opens its inspector on loopback, for `collectGarbage` (the density benchmark's heap figure). */
export async function startAllInOne(options: { durable?: boolean; env?: Record<string, string>; inspect?: boolean } = {}): Promise<System> {
  const extra: Record<string, string> = { UNKNOWN_CHARGERS: 'accept', LOG_LEVEL: 'warn', ...options.env };
  const undo: Array<() => Promise<unknown>> = [];
  let databaseUrl: string | undefined;
  let natsUrl: string | undefined;
  if (options.durable) {
    const nats = await startNatsServer({ jetstream: true });
    undo.push(() => nats.dispose());
    const offNats = onCleanup('nats-server', () => nats.dispose());
    undo.push(async () => offNats());
    const db = await createTestDatabase();
    undo.push(() => db.drop());
    const offDb = onCleanup(`database ${db.name}`, () => db.drop());
    undo.push(async () => offDb());
    extra.NATS_URL = nats.url;
    extra.DATABASE_URL = db.url;
    databaseUrl = db.url;
    natsUrl = nats.url;
  }
  const dataDir = tempDir('csms-bench-');
  extra.DATA_DIR ??= dataDir; // unused on NATS + PostgreSQL, but never the user's default data directory
  undo.push(() => rm(dataDir, { recursive: true, force: true }));
  let svc: ServiceProcess;
  // BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the system under test (written on its SIGTERM exit)
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const inspectPort = options.inspect ? await freePort() : undefined;
  if (inspectPort !== undefined) nodeArgs.push(inspectArg(inspectPort));
  try {
    svc = await startService({ app: 'csms', env: extra, nodeArgs, root: serverRoot().dir });
    trackChild(svc.child);
  } catch (err) {
    for (const u of undo.reverse()) await u().catch(() => undefined);
    throw err;
  }
  const stopSvc = async (): Promise<void> => {
    const t = setTimeout(() => svc.child.kill('SIGKILL'), 15_000);
    await svc.stop();
    clearTimeout(t);
    // BENCH_SERVER_OUTPUT=/tmp/server.log keeps what the system under test wrote (its warnings explain a failed boot)
    if (process.env.BENCH_SERVER_OUTPUT) await writeFile(process.env.BENCH_SERVER_OUTPUT, svc.output()).catch(() => undefined);
  };
  const offSvc = onCleanup('csms', stopSvc);
  const system: System = {
    svc,
    pid: svc.child.pid as number,
    wsUrl: svc.ocppUrl,
    apiUrl: svc.apiUrl,
    databaseUrl,
    natsUrl,
    restart: async () => {
      await stopSvc();
      // Same ports, so the load client's URLs stay valid.
      svc = await startService({
        app: 'csms',
        env: { ...extra, OCPP_PORT: new URL(system.wsUrl).port, API_PORT: new URL(system.apiUrl).port },
        nodeArgs,
        root: serverRoot().dir,
      });
      trackChild(svc.child);
      system.svc = svc;
      system.pid = svc.child.pid as number;
    },
    collectGarbage: async () => {
      if (inspectPort === undefined) throw new Error('collectGarbage: the server was started without inspect: true');
      await collectGarbage(inspectPort);
    },
    stop: async () => {
      offSvc();
      await stopSvc();
      // Cleanups were registered before the service: undo them newest first.
      for (const u of undo.reverse()) await u().catch((e: unknown) => console.error(`cleanup: ${String(e)}`));
    },
  };
  return system;
}

function metric(text: string, name: string): number {
  const m = new RegExp(`^${name}(?:\\{[^}]*\\})?\\s+([0-9.eE+-]+)`, 'm').exec(text);
  return m ? Number(m[1]) : NaN;
}

/** `nodejs_eventloop_lag_p99_seconds` from prom-client's default metrics (reset on each scrape). */
export async function eventLoopP99Seconds(apiUrl: string): Promise<number> {
  return metric(await (await fetch(`${apiUrl}/metrics`)).text(), 'nodejs_eventloop_lag_p99_seconds');
}

/** V8 heap in use (`nodejs_heap_size_used_bytes`), the live objects beside RSS's high-water mark. */
export async function heapUsedBytes(apiUrl: string): Promise<number> {
  return metric(await (await fetch(`${apiUrl}/metrics`)).text(), 'nodejs_heap_size_used_bytes');
}
