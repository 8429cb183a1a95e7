/**
 * A raw-ws fleet spread over forked fleet workers (fleet-worker.ts), as the soak and the chaos run drive
 * it: live counters summed over the workers, where each charger is, and at the end what every charger saw
 * acknowledged and which probe commands (DataTransfer data ids) it executed how many times.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { WorkerFinal, WorkerStart, WorkerWhere } from './fleet-worker.js';
import { emptyStats, type WorkerStats } from './worker-stats.js';

export interface FleetOptions {
  ids: string[];
  /** Gateway URLs charger i tries, in order. */
  urlsOf(i: number): string[];
  workers: number;
  meterIntervalMs: number;
  heartbeatIntervalMs: number;
  /** Epoch ms of the first reading's timestamp. */
  base: number;
  connectConcurrency?: number;
}

export interface FleetResult {
  acked: Record<string, number>;
  stats: WorkerStats;
  /** DataTransfer data id -> times a charger of this fleet executed it. */
  executed: Record<string, number>;
}

export interface Fleet {
  /** Every worker started its chargers' connects (not all booted yet). */
  connected: Promise<void>;
  total(): WorkerStats;
  where(): Promise<Map<string, string>>;
  /** Set when a worker died before it was told to stop. */
  failure(): string | undefined;
  /** Polls `probe` until true; a dead worker or `limitMs` passing ends the wait with an error naming `what`. */
  until(what: string, probe: () => boolean | Promise<boolean>, limitMs: number): Promise<void>;
  /** Stops every charger after its CALL in flight is answered; what each acked and executed. */
  stop(): Promise<FleetResult>;
  kill(): void;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function startFleet(o: FleetOptions): Fleet {
  const workers: ChildProcess[] = [];
  const latest = new Map<ChildProcess, WorkerStats>();
  const finals: WorkerFinal[] = [];
  const wheres: Array<(w: WorkerWhere) => void> = [];
  let failure: string | undefined;
  const workerPath = fileURLToPath(new URL('./fleet-worker.js', import.meta.url));
  const connected: Array<Promise<void>> = [];
  for (let w = 0; w < o.workers; w++) {
    const child = fork(workerPath, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    workers.push(child);
    connected.push(
      new Promise<void>((resolve, reject) => {
        child.on('message', (m: WorkerStats | WorkerFinal | WorkerWhere | { type: 'connected' }) => {
          if (m.type === 'stats') latest.set(child, m);
          else if (m.type === 'final') finals.push(m);
          else if (m.type === 'where') wheres.shift()?.(m);
          else resolve();
        });
        child.once('exit', (code, signal) => {
          if (code === 0) return;
          failure = `fleet worker ${child.pid} exited with ${code ?? signal}`;
          reject(new Error(failure));
        });
      }),
    );
    const start: WorkerStart = {
      type: 'start',
      chargers: o.ids.flatMap((id, i) => (i % o.workers === w ? [{ id, urls: o.urlsOf(i) }] : [])),
      meterIntervalMs: o.meterIntervalMs,
      heartbeatIntervalMs: o.heartbeatIntervalMs,
      base: o.base,
      connectConcurrency: o.connectConcurrency ?? 50,
    };
    child.send(start);
  }
  return {
    connected: Promise.all(connected).then(() => undefined),
    total: () => sumStats([...latest.values()]),
    where: async () => {
      const replies = workers.map(() => new Promise<WorkerWhere>((r) => wheres.push(r)));
      for (const w of workers) w.send({ type: 'where' });
      return new Map((await Promise.all(replies)).flatMap((r) => Object.entries(r.at)));
    },
    failure: () => failure,
    until: async (what, probe, limitMs) => {
      const end = Date.now() + limitMs;
      while (!(await probe())) {
        if (failure) throw new Error(`${failure} (while waiting for ${what})`);
        if (Date.now() > end) throw new Error(`gave up waiting ${limitMs} ms for ${what}`);
        await sleep(100);
      }
    },
    stop: async () => {
      for (const w of workers) w.send({ type: 'stop' });
      const end = Date.now() + 300_000;
      while (finals.length < workers.length) {
        if (failure) throw new Error(failure);
        if (Date.now() > end) throw new Error('the fleet workers did not finish their calls within 300 s');
        await sleep(100);
      }
      const executed: Record<string, number> = {};
      for (const f of finals) for (const [id, n] of Object.entries(f.executed)) executed[id] = (executed[id] ?? 0) + n;
      return { acked: Object.assign({}, ...finals.map((f) => f.acked)) as Record<string, number>, stats: sumStats(finals.map((f) => f.stats)), executed };
    },
    kill: () => {
      for (const w of workers) if (w.exitCode === null) w.kill('SIGKILL');
    },
  };
}

export function sumStats(list: WorkerStats[]): WorkerStats {
  const s = emptyStats(0);
  for (const w of list) {
    for (const k of [
      'chargers',
      'open',
      'booted',
      'reconnected',
      'meterValuesAcked',
      'heartbeatsAcked',
      'callErrors',
      'resentAfterClose',
      'timeouts',
      'commandsAnswered',
    ] as const)
      s[k] += w[k];
    for (const [u, n] of Object.entries(w.perUrl)) s.perUrl[u] = (s.perUrl[u] ?? 0) + n;
    for (const [c, n] of Object.entries(w.closeCodes)) s.closeCodes[c] = (s.closeCodes[c] ?? 0) + n;
  }
  return s;
}
