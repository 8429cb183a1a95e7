// Spreading a large fleet over worker processes (fork of the same main with --worker and a slice) and, towards
// a loopback CSMS, over source addresses 127.0.0.x (each source address has its own ~28k ephemeral ports).
import { fork, type ChildProcess } from 'node:child_process';
import { emptyStats, addStats } from './charger/stats.js';
import { isLoopbackTarget, type CliOptions } from './cli.js';
import type { FleetSnapshot } from './fleet.js';

export type WorkerMessage = { type: 'snapshot'; snapshot: FleetSnapshot } | { type: 'done' };

export class WorkerPool {
  private readonly children: ChildProcess[] = [];
  private readonly snapshots = new Map<number, FleetSnapshot>();
  private done = 0;

  constructor(
    private readonly opts: CliOptions,
    private readonly argv: string[],
    private readonly script: string,
  ) {}

  /** Forks ceil(chargers / perProcess) workers; resolves when all have exited. */
  run(): Promise<void> {
    const { chargers, perProcess } = this.opts;
    const count = Math.ceil(chargers / perProcess);
    const loopback = isLoopbackTarget(this.opts.url);
    const exits: Array<Promise<void>> = [];
    for (let k = 0; k < count; k++) {
      const start = k * perProcess;
      const n = Math.min(perProcess, chargers - start);
      const args = [...this.argv, '--worker', '--quiet', '--slice', `${start}:${n}`];
      if (loopback) args.push('--source-address', `127.0.0.${1 + (k % 254)}`);
      // Each worker ramps its own slice: the total ramp rate is shared among them.
      args.push('--ramp-per-second', String(this.opts.rampPerSecond / count));
      const child = fork(this.script, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      this.children.push(child);
      child.on('message', (m: WorkerMessage) => {
        if (m.type === 'snapshot') this.snapshots.set(k, m.snapshot);
        else this.done++;
      });
      exits.push(new Promise((resolve) => child.once('exit', () => resolve())));
    }
    return Promise.all(exits).then(() => undefined);
  }

  stop(): void {
    for (const c of this.children) if (c.connected) c.send({ type: 'stop' });
  }

  snapshot(): FleetSnapshot {
    const stats = emptyStats();
    const total: FleetSnapshot = {
      chargers: this.opts.chargers,
      started: 0,
      connected: 0,
      booted: 0,
      scenariosDone: 0,
      scenarioErrors: 0,
      stats,
      bootLatenciesMs: [],
    };
    for (const s of this.snapshots.values()) {
      total.started += s.started;
      total.connected += s.connected;
      total.booted += s.booted;
      total.scenariosDone += s.scenariosDone;
      total.scenarioErrors += s.scenarioErrors;
      addStats(stats, s.stats);
      total.bootLatenciesMs.push(...s.bootLatenciesMs);
    }
    return total;
  }
}
