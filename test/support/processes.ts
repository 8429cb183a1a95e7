/**
 * Starts the built system (dist/) as real child processes, the way an operator runs it, so end-to-end
 * tests talk to it only over WebSocket and HTTP.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, repoRootOf } from '#csms/testing';
import { rememberApiToken } from './api-client.js';
import { seedDataDir } from './pglite-template.js';

export { freePort };

/** The repository root, from the sources (test/support) or from their build (dist/test/support). */
export const repoRoot = repoRootOf(import.meta.url);

export function tempDir(prefix = 'csms-e2e-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export interface ServiceProcess {
  name: string;
  child: ChildProcess;
  apiPort: number;
  ocppPort?: number;
  apiUrl: string;
  ocppUrl: string;
  output(): string;
  /** SIGTERM and wait for exit; returns the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL and wait. */
  kill(): Promise<void>;
  exited: Promise<number | null>;
}

export interface StartOptions {
  app?: 'csms' | 'gateway' | 'auth' | 'config-manager' | 'metering';
  env?: Record<string, string>;
  /** Wait for /health/ready (default) or only /health/live. */
  waitFor?: 'ready' | 'live' | 'none';
  /** Node options for the service process (the bench profiles it with --cpu-prof). */
  nodeArgs?: string[];
  /** The checkout whose built `dist/` runs (default this one): the bench's --server-root measures another build. */
  root?: string;
}

/** The service's output kept for error messages: the last part only, a busy service under load logs a lot. */
const KEEP_OUTPUT = 1 << 20;

export async function startService(options: StartOptions = {}): Promise<ServiceProcess> {
  const app = options.app ?? 'csms';
  const apiPort = options.env?.API_PORT ? Number(options.env.API_PORT) : await freePort();
  const ocppPort = options.env?.OCPP_PORT ? Number(options.env.OCPP_PORT) : await freePort();
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    API_PORT: String(apiPort),
    OCPP_PORT: String(ocppPort),
    LOG_LEVEL: 'warn',
    DRAIN_WINDOW_MS: '0',
    ...options.env,
  };
  if (app === 'csms' && !env.DATA_DIR) env.DATA_DIR = tempDir();
  // Under Jest only: a benchmark (bench/lib/system.ts) starts the all-in-one as an operator would.
  if (app === 'csms' && !env.DATABASE_URL && process.env.JEST_WORKER_ID) await seedDataDir(env.DATA_DIR!, repoRoot);
  let out = '';
  const root = options.root ?? repoRoot;
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), join(root, 'dist/apps', app, 'main.js')], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (d: Buffer): void => {
    out += d.toString();
    if (out.length > 2 * KEEP_OUTPUT) out = out.slice(-KEEP_OUTPUT);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
  const proc: ServiceProcess = {
    name: app,
    child,
    apiPort,
    ocppPort,
    apiUrl: `http://127.0.0.1:${apiPort}`,
    ocppUrl: `ws://127.0.0.1:${ocppPort}`,
    output: () => out,
    exited,
    stop: async () => {
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      return exited;
    },
    kill: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
  if (env.API_ADMIN_TOKEN) rememberApiToken(proc.apiUrl, env.API_ADMIN_TOKEN);
  if (options.waitFor !== 'none') await waitHealthy(proc, options.waitFor ?? 'ready');
  return proc;
}

async function waitHealthy(proc: ServiceProcess, kind: 'ready' | 'live', limitMs = 90_000): Promise<void> {
  const until = Date.now() + limitMs;
  while (Date.now() < until) {
    if (proc.child.exitCode !== null) throw new Error(`${proc.name} exited with ${proc.child.exitCode}:\n${proc.output()}`);
    try {
      const res = await fetch(`${proc.apiUrl}/health/${kind}`);
      if (res.ok) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  await proc.kill();
  throw new Error(`${proc.name} not ${kind} within ${limitMs} ms:\n${proc.output()}`);
}

/** Polls until `probe` returns a value (not undefined) — for effects that land asynchronously (durable consumers). */
export async function eventually<T>(probe: () => Promise<T | undefined>, what: string, limitMs = 30_000): Promise<T> {
  const until = Date.now() + limitMs;
  let last: unknown;
  while (Date.now() < until) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`gave up waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}
