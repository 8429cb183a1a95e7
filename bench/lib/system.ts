/** The system under test: the built all-in-one process, on the in-process bus or on NATS JetStream + PostgreSQL. */
import { spawn, type ChildProcess } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createTestDatabase, startNatsServer } from '#csms/testing';
import { freePort, tempDir } from '../../test/support/processes.js';
import { benchDir, onCleanup, trackChild } from './procs.js';

/**
 * test/support's startService resolves the repository from its own file, which is one level off once
 * compiled into dist/test/support: so the bench spawns the built app itself, the same way.
 */
const repoRoot = join(benchDir, '../..');

interface ServiceProcess {
  child: ChildProcess;
  apiUrl: string;
  ocppUrl: string;
  output(): string;
  stop(): Promise<unknown>;
}

async function startService(options: { app: string; env: Record<string, string> }): Promise<ServiceProcess> {
  const apiPort = await freePort();
  const ocppPort = await freePort();
  const env = { PATH: process.env.PATH ?? '', API_PORT: String(apiPort), OCPP_PORT: String(ocppPort), DRAIN_WINDOW_MS: '0', ...options.env };
  let out = '';
  // BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the system under test (written on its SIGTERM exit)
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, join(repoRoot, 'dist/apps', options.app, 'main.js')], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  trackChild(child);
  const keep = (d: Buffer): void => void (out = (out + d.toString()).slice(-20_000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise((res) => child.once('exit', res));
  const svc: ServiceProcess = {
    child,
    apiUrl: `http://127.0.0.1:${apiPort}`,
    ocppUrl: `ws://127.0.0.1:${ocppPort}`,
    output: () => out,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      return exited;
    },
  };
  const until = Date.now() + 90_000;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`${options.app} exited with ${child.exitCode}: ${out.slice(-2_000)}`);
    try {
      if ((await fetch(`${svc.apiUrl}/health/ready`)).ok) return svc;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill('SIGKILL');
  throw new Error(`${options.app} not ready within 90 s: ${out.slice(-2_000)}`);
}

export interface System {
  svc: ServiceProcess;
  pid: number;
  wsUrl: string;
  apiUrl: string;
  databaseUrl?: string;
  stop(): Promise<void>;
}

export async function startAllInOne(options: { durable?: boolean; env?: Record<string, string> } = {}): Promise<System> {
  const extra: Record<string, string> = { UNKNOWN_CHARGERS: 'accept', LOG_LEVEL: 'warn', ...options.env };
  const undo: Array<() => Promise<unknown>> = [];
  let databaseUrl: string | undefined;
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
  } else {
    const dataDir = tempDir('csms-bench-');
    extra.DATA_DIR = dataDir;
    undo.push(() => rm(dataDir, { recursive: true, force: true }));
  }
  let svc: ServiceProcess;
  try {
    svc = await startService({ app: 'csms', env: extra });
  } catch (err) {
    for (const u of undo.reverse()) await u().catch(() => undefined);
    throw err;
  }
  const stopSvc = async (): Promise<void> => {
    const t = setTimeout(() => svc.child.kill('SIGKILL'), 15_000);
    await svc.stop();
    clearTimeout(t);
  };
  const offSvc = onCleanup('csms', stopSvc);
  return {
    svc,
    pid: svc.child.pid as number,
    wsUrl: svc.ocppUrl,
    apiUrl: svc.apiUrl,
    databaseUrl,
    stop: async () => {
      offSvc();
      await stopSvc();
      // Cleanups were registered before the service: undo them newest first.
      for (const u of undo.reverse()) await u().catch((e: unknown) => console.error(`cleanup: ${String(e)}`));
    },
  };
}

/** `nodejs_eventloop_lag_p99_seconds` from prom-client's default metrics (reset on each scrape). */
export async function eventLoopP99Seconds(apiUrl: string): Promise<number> {
  const text = await (await fetch(`${apiUrl}/metrics`)).text();
  const m = /^nodejs_eventloop_lag_p99_seconds(?:\{[^}]*\})?\s+([0-9.eE+-]+)/m.exec(text);
  return m ? Number(m[1]) : NaN;
}
