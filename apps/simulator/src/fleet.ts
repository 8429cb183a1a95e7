// Many chargers in one process: started at a ramp rate, each running the scenario once booted.
import { SimulatedCharger, type SimulatedChargerOptions } from './charger/simulated-charger.js';
import { addStats, emptyStats, type StatsSnapshot } from './charger/stats.js';
import { runScenario, type Scenario } from './scenario.js';

export interface FleetOptions {
  identities: string[];
  rampPerSecond: number;
  chargerOptions: Omit<SimulatedChargerOptions, 'identity' | 'localAddress'>;
  /** Source address per charger index (or undefined). */
  localAddressFor?: (index: number) => string | undefined;
  scenario?: Scenario;
  signal: AbortSignal;
}

export interface FleetSnapshot {
  chargers: number;
  started: number;
  connected: number;
  booted: number;
  scenariosDone: number;
  scenarioErrors: number;
  stats: StatsSnapshot;
  /** ms from start() to first boot, per booted charger */
  bootLatenciesMs: number[];
}

export class Fleet {
  readonly chargers: SimulatedCharger[] = [];
  private scenariosDone = 0;
  private scenarioErrors = 0;
  private readonly bootLatencies: number[] = [];

  constructor(private readonly opts: FleetOptions) {}

  snapshot(): FleetSnapshot {
    const stats = emptyStats();
    let connected = 0;
    let booted = 0;
    for (const c of this.chargers) {
      addStats(stats, c.stats);
      if (c.state === 'connected' || c.state === 'booted') connected++;
      if (c.state === 'booted') booted++;
    }
    return {
      chargers: this.opts.identities.length,
      started: this.chargers.length,
      connected,
      booted,
      scenariosDone: this.scenariosDone,
      scenarioErrors: this.scenarioErrors,
      stats,
      bootLatenciesMs: this.bootLatencies,
    };
  }

  /** Starts every charger at the ramp rate; resolves when all scenarios ended (never without a scenario)
   *  or when the signal aborts. */
  async run(): Promise<void> {
    const { identities, rampPerSecond, signal } = this.opts;
    const gapMs = 1000 / Math.max(rampPerSecond, 0.001);
    const began = Date.now();
    const scenarioRuns: Array<Promise<void>> = [];
    for (let i = 0; i < identities.length && !signal.aborted; i++) {
      // Pace against the wall clock (not per-timer sleeps) so the ramp holds under event-loop load.
      const due = began + i * gapMs;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const localAddress = this.opts.localAddressFor?.(i);
      const c = new SimulatedCharger({ ...this.opts.chargerOptions, identity: identities[i]!, ...(localAddress ? { localAddress } : {}) });
      this.chargers.push(c);
      const t0 = Date.now();
      c.once('booted', () => this.bootLatencies.push(Date.now() - t0));
      c.start();
      if (this.opts.scenario) {
        scenarioRuns.push(
          runScenario(c, this.opts.scenario, signal).then(
            () => void this.scenariosDone++,
            () => void this.scenarioErrors++,
          ),
        );
      }
    }
    if (this.opts.scenario) {
      await Promise.race([Promise.all(scenarioRuns), aborted(signal)]);
      // Let the last transaction messages reach the CSMS before stopping.
      await Promise.race([this.drained(), aborted(signal)]);
    } else {
      await aborted(signal);
    }
  }

  private async drained(): Promise<void> {
    while (this.chargers.some((c) => c.queue.length > 0 && c.state === 'booted')) {
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async stop(): Promise<void> {
    await Promise.all(this.chargers.map((c) => c.stop()));
  }
}

function aborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

export function percentile(values: number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
