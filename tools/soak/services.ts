/**
 * The built services (dist/apps/<app>/main.js) as real child processes, the way an operator runs them,
 * and the database / JetStream questions the soak asks at the end.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import pg from 'pg';
import { freePort } from '#csms/testing';

/** dist/tools/soak/ -> repo root (also right for tools/soak/ under ts-jest). */
const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = existsSync(join(here, '../../dist')) ? resolve(here, '../..') : resolve(here, '../../..');

export type AppName = 'gateway' | 'auth' | 'config-manager' | 'metering';

export interface Service {
  name: string;
  apiUrl: string;
  ocppUrl: string;
  child: ChildProcess;
  exited: Promise<number | null>;
  output(): string;
  /** SIGTERM; resolves with the exit code. */
  stop(): Promise<number | null>;
  kill(): Promise<void>;
}

export async function startApp(app: AppName, env: Record<string, string>, label: string = app): Promise<Service> {
  const apiPort = env.API_PORT ? Number(env.API_PORT) : await freePort();
  const ocppPort = env.OCPP_PORT ? Number(env.OCPP_PORT) : await freePort();
  const fullEnv = { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', DRAIN_WINDOW_MS: '0', ...env, API_PORT: String(apiPort), OCPP_PORT: String(ocppPort) };
  const child = spawn(process.execPath, [join(repoRoot, 'dist/apps', app, 'main.js')], { cwd: repoRoot, env: fullEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  // Keep the tail only: a long soak must not grow the orchestrator's memory with logs.
  const keep = (d: Buffer): void => void (out = (out + d.toString()).slice(-20_000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const service: Service = {
    name: label,
    apiUrl: `http://127.0.0.1:${apiPort}`,
    ocppUrl: `ws://127.0.0.1:${ocppPort}`,
    child,
    exited,
    output: () => out,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      return exited;
    },
    kill: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
  const until = Date.now() + 90_000;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`${label} exited with ${child.exitCode}:\n${out}`);
    try {
      if ((await fetch(`${service.apiUrl}/health/ready`, { signal: AbortSignal.timeout(2_000) })).ok) return service;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  await service.kill();
  throw new Error(`${label} not ready within 90 s:\n${out}`);
}

/** Stored meter value rows and distinct timestamps per charger. */
export async function rowsPerCharger(databaseUrl: string, prefix: string): Promise<Map<string, { rows: number; distinct: number }>> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ charger_id: string; n: string; d: string }>(
      `SELECT charger_id, count(*) AS n, count(DISTINCT ("timestamp", measurand)) AS d FROM metering_meter_values WHERE charger_id LIKE $1 GROUP BY charger_id`,
      [`${prefix}%`],
    );
    return new Map(rows.map((r) => [r.charger_id, { rows: Number(r.n), distinct: Number(r.d) }]));
  } finally {
    await client.end();
  }
}

/** Messages a durable consumer has not processed yet: pending plus delivered and not acknowledged. */
export async function consumerLag(natsUrl: string, stream: string, durable: string): Promise<number> {
  const nc = await connect({ servers: natsUrl.split(','), reconnect: false });
  try {
    const info = await (await jetstreamManager(nc)).consumers.info(stream, durable);
    return info.num_pending + info.num_ack_pending;
  } finally {
    await nc.close();
  }
}

export async function consumerCaughtUp(natsUrl: string, stream: string, durable: string): Promise<boolean> {
  return (await consumerLag(natsUrl, stream, durable)) === 0;
}
