/**
 * Options of the scale-out benchmark (bench/scale-out.ts). Strict: an unknown flag, a missing value or a
 * value out of range is an error (exit code 2), never silently ignored, so a typo cannot turn a 40k run
 * into a default-sized one without anyone noticing.
 */

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

const FLAGS: Record<string, { key: keyof ScaleOptions; min: number; integer: boolean } | 'string'> = {
  gateways: { key: 'gateways', min: 1, integer: true },
  chargers: { key: 'chargers', min: 1, integer: true },
  'single-chargers': { key: 'singleChargers', min: 0, integer: true },
  'load-clients': { key: 'loadClients', min: 0, integer: true },
  'connect-concurrency': { key: 'connectConcurrency', min: 1, integer: true },
  'mv-rate': { key: 'mvRate', min: 1, integer: false },
  'commands-per-s': { key: 'commandsPerS', min: 1, integer: false },
  'measure-s': { key: 'measureS', min: 1, integer: false },
  'local-addrs': { key: 'localAddrs', min: 1, integer: true },
  'results-dir': 'string',
};

export const SCALE_USAGE = `usage: npm run bench:scale -- [--gateways 4] [--chargers 40000] [--single-chargers 10000] [--load-clients 0]
       [--connect-concurrency 200] [--mv-rate 1000] [--commands-per-s 50] [--measure-s 30] [--local-addrs 8] [--results-dir bench/results]`;

export class ScaleArgsError extends Error {
  readonly code = 'SCALE_BAD_ARGUMENT';
}

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
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i];
    if (!raw.startsWith('--')) throw new ScaleArgsError(`unexpected argument ${raw}`);
    const eq = raw.indexOf('=');
    const name = raw.slice(2, eq < 0 ? undefined : eq);
    const spec = FLAGS[name];
    if (!spec) throw new ScaleArgsError(`unknown flag --${name}`);
    const value = eq >= 0 ? raw.slice(eq + 1) : argv[++i];
    if (value === undefined || value.startsWith('--')) throw new ScaleArgsError(`--${name} needs a value`);
    if (spec === 'string') {
      o.resultsDir = value;
      continue;
    }
    const n = Number(value);
    if (!Number.isFinite(n) || n < spec.min || (spec.integer && !Number.isInteger(n))) {
      throw new ScaleArgsError(`--${name} must be ${spec.integer ? 'an integer' : 'a number'} >= ${spec.min}, got ${value}`);
    }
    (o[spec.key] as number) = n;
  }
  if (o.chargers < o.gateways) throw new ScaleArgsError('--chargers must be at least --gateways');
  return o;
}

/** One load client per 10k chargers (each stays well under a process's open-files limit), at least 2. */
export function loadClientsFor(o: ScaleOptions, chargers: number): number {
  return o.loadClients > 0 ? Math.min(o.loadClients, chargers) : Math.min(chargers, Math.max(2, Math.ceil(chargers / 10_000)));
}
