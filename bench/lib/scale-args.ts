/**
 * Options of the scale-out benchmark (bench/scale-out.ts), parsed strictly (flags.ts).
 */
import { BenchArgsError, parseFlags, type FlagSpec, type FlagValue } from './flags.js';

export interface ScaleOptions {
  /** Gateway processes of the scale-out run. */
  gateways: number;
  /** Chargers in the scale-out run, spread evenly over the gateways. */
  chargers: number;
  /** Chargers of the 1-gateway comparison run; 0 skips it. */
  singleChargers: number;
  /** Load-client processes per run (each holds its share of the client sockets). 0: one per 10k chargers, at least 2. */
  loadClients: number;
  /**
   * Chargers opening a socket at once, over the whole fleet (closed loop: the next one starts when one has
   * booted). An open-loop rate above what auth answers within the gateway's 5 s turns into 503s and retries
   * that queue more work on auth: a collapse, not a measurement.
   */
  connectConcurrency: number;
  /** MeterValues per second over the whole fleet of the scale-out run (the comparison run: the same per charger). */
  mvRate: number;
  /** Commands per second during the command window, spread over every gateway's API. */
  commandsPerS: number;
  /** Seconds of each measured window (idle, MeterValues, commands). */
  measureS: number;
  /** 127.0.0.x source addresses the load clients spread their sockets over. */
  localAddrs: number;
  resultsDir: string | undefined;
}

/** Flag name -> option, with its rule. */
const FLAGS: Record<string, { key: keyof ScaleOptions; spec: FlagSpec }> = {
  gateways: { key: 'gateways', spec: { kind: 'number', min: 1, integer: true } },
  chargers: { key: 'chargers', spec: { kind: 'number', min: 1, integer: true } },
  'single-chargers': { key: 'singleChargers', spec: { kind: 'number', min: 0, integer: true } },
  'load-clients': { key: 'loadClients', spec: { kind: 'number', min: 0, integer: true } },
  'connect-concurrency': { key: 'connectConcurrency', spec: { kind: 'number', min: 1, integer: true } },
  'mv-rate': { key: 'mvRate', spec: { kind: 'number', min: 1, integer: false } },
  'commands-per-s': { key: 'commandsPerS', spec: { kind: 'number', min: 1, integer: false } },
  'measure-s': { key: 'measureS', spec: { kind: 'number', min: 1, integer: false } },
  'local-addrs': { key: 'localAddrs', spec: { kind: 'number', min: 1, integer: true } },
  'results-dir': { key: 'resultsDir', spec: { kind: 'string' } },
};

export const SCALE_USAGE = `usage: npm run bench:scale -- [--gateways 4] [--chargers 40000] [--single-chargers 10000] [--load-clients 0]
       [--connect-concurrency 200] [--mv-rate 1000] [--commands-per-s 50] [--measure-s 30] [--local-addrs 8] [--results-dir bench/results]`;

export function parseScaleArgs(argv: string[]): ScaleOptions {
  const o: ScaleOptions = {
    gateways: 4,
    chargers: 40_000,
    singleChargers: 10_000,
    loadClients: 0,
    connectConcurrency: 200,
    mvRate: 1_000,
    commandsPerS: 50,
    measureS: 30,
    localAddrs: 8,
    resultsDir: undefined,
  };
  const values = parseFlags(argv, Object.fromEntries(Object.entries(FLAGS).map(([name, f]) => [name, f.spec])));
  for (const [name, value] of values) (o as unknown as Record<string, FlagValue>)[FLAGS[name].key] = value;
  if (o.chargers < o.gateways) throw new BenchArgsError('--chargers must be at least --gateways');
  return o;
}

/** One load client per 10k chargers (each stays well under a process's open-files limit), at least 2. */
export function loadClientsFor(o: ScaleOptions, chargers: number): number {
  return o.loadClients > 0 ? Math.min(o.loadClients, chargers) : Math.min(chargers, Math.max(2, Math.ceil(chargers / 10_000)));
}
