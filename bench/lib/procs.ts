/** Child processes of the bench (load clients, baselines, the system under test) and their cleanup, also on Ctrl-C. */
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const benchDir = join(dirname(fileURLToPath(import.meta.url)), '..');

type Cleanup = { name: string; fn: () => Promise<unknown> | unknown };
const cleanups: Cleanup[] = [];
const children = new Set<ChildProcess>();

export function onCleanup(name: string, fn: () => Promise<unknown> | unknown): () => void {
  const entry = { name, fn };
  cleanups.push(entry);
  return () => {
    const i = cleanups.indexOf(entry);
    if (i >= 0) cleanups.splice(i, 1);
  };
}

export function trackChild(child: ChildProcess): void {
  children.add(child);
  child.once('exit', () => children.delete(child));
}

/**
 * On Ctrl-C: SIGTERM every child at once (each server drains on its own), SIGKILL what is still alive after
 * `graceMs`. The registered cleanups then only remove what the children left (databases, directories), instead
 * of stopping a dozen processes one after the other.
 */
export async function stopChildren(graceMs = 5_000): Promise<void> {
  const alive = [...children].filter((c) => c.exitCode === null && c.signalCode === null);
  const exited = Promise.all(alive.map((c) => new Promise((r) => (c.exitCode !== null || c.signalCode !== null ? r(null) : c.once('exit', r)))));
  for (const c of alive) c.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, graceMs))]);
  for (const c of alive) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
}

/** Runs every registered cleanup (newest first), then SIGKILLs any child still alive. */
export async function cleanupAll(): Promise<void> {
  while (cleanups.length) {
    const c = cleanups.pop() as Cleanup;
    try {
      await Promise.race([c.fn(), new Promise((r) => setTimeout(r, 15_000))]);
    } catch (err) {
      console.error(`cleanup ${c.name}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  for (const child of children) child.kill('SIGKILL');
}

process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

export function rssBytes(pid: number): number {
  const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}

/** utime + stime of a process so far, in seconds. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / 100; // utime + stime in clock ticks (USER_HZ = 100 on Linux)
}

/**
 * Waits until the process uses less than `busyShare` of one core over a second (work that trails the
 * connects, such as configuration reconciliations, has finished), at most `limitMs`. Returns the wait.
 */
export async function waitIdle(pid: number, busyShare = 0.05, limitMs = 60_000): Promise<number> {
  const t0 = Date.now();
  let before = cpuSeconds(pid);
  while (Date.now() - t0 < limitMs) {
    await sleep(1_000);
    const now = cpuSeconds(pid);
    if (now - before < busyShare) break;
    before = now;
  }
  return Date.now() - t0;
}

/** A forked bench script speaking the { reqId, cmd } IPC protocol. */
export class Worker {
  private seq = 0;
  private readonly waiting = new Map<number, { res: (v: unknown) => void; rej: (e: Error) => void }>();
  readonly ready: Promise<{ port?: number }>;

  constructor(
    readonly name: string,
    readonly child: ChildProcess,
  ) {
    trackChild(child);
    this.ready = new Promise((res, rej) => {
      child.once('exit', (code) => rej(new Error(`${name} exited with ${code}`)));
      child.on('message', (msg: { ready?: boolean; port?: number; reqId?: number; ok?: boolean; result?: unknown; error?: string }) => {
        if (msg.ready) return res({ port: msg.port });
        const w = msg.reqId === undefined ? undefined : this.waiting.get(msg.reqId);
        if (!w) return;
        this.waiting.delete(msg.reqId as number);
        if (msg.ok) w.res(msg.result);
        else w.rej(new Error(`${name}: ${msg.error}`));
      });
    });
    child.once('exit', (code) => {
      for (const w of this.waiting.values()) w.rej(new Error(`${name} exited with ${code}`));
      this.waiting.clear();
    });
  }

  call<T>(cmd: string, args: object = {}): Promise<T> {
    const reqId = ++this.seq;
    return new Promise<T>((res, rej) => {
      this.waiting.set(reqId, { res: res as (v: unknown) => void, rej });
      this.child.send({ reqId, cmd, ...args });
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}

/** `--expose-gc`: the baseline server collects garbage before it reports its heap (bench/suites/connections.ts, density). */
export function forkScript(script: string, args: string[] = [], name = script): Worker {
  const child = fork(join(benchDir, script), args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: ['--max-old-space-size=4096', '--expose-gc'] });
  const w = new Worker(name, child);
  const off = onCleanup(name, () => w.stop());
  child.once('exit', off);
  return w;
}

export async function startLoadClient(name = 'load-client'): Promise<Worker> {
  const w = forkScript('load-client.js', [], name);
  await w.ready;
  return w;
}

export async function startBaseline(
  mode: 'bare' | 'bare-js' | 'ocpp-rpc',
  natsUrl?: string,
): Promise<{ worker: Worker; port: number; url: string; http: string }> {
  const w = forkScript('baseline-server.js', natsUrl ? [mode, natsUrl] : [mode], `baseline:${mode}`);
  const { port } = await w.ready;
  return { worker: w, port: port as number, url: `ws://127.0.0.1:${port}`, http: `http://127.0.0.1:${port}` };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
