/**
 * The benchmarks' command-line flags, strictly: an unknown flag, a missing value or a value out of range is an
 * error (exit code 2), never silently ignored, so a typo cannot turn a 40k run into a default-sized one.
 */
export class BenchArgsError extends Error {
  readonly code = 'BENCH_BAD_ARGUMENT';
}

export type FlagSpec = { kind: 'boolean' } | { kind: 'string' } | { kind: 'number'; min: number; integer: boolean } | { kind: 'numbers'; min: number };
export type FlagValue = boolean | string | number | number[];

/** `--name value`, `--name=value` and bare boolean `--name`; returns the values by flag name. */
export function parseFlags(argv: readonly string[], specs: Record<string, FlagSpec>): Map<string, FlagValue> {
  const out = new Map<string, FlagValue>();
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i];
    if (!raw.startsWith('--')) throw new BenchArgsError(`unexpected argument ${raw}`);
    const eq = raw.indexOf('=');
    const name = raw.slice(2, eq < 0 ? undefined : eq);
    const spec = specs[name];
    if (!spec) throw new BenchArgsError(`unknown flag --${name}`);
    if (spec.kind === 'boolean') {
      if (eq >= 0) throw new BenchArgsError(`--${name} takes no value`);
      out.set(name, true);
      continue;
    }
    const value = eq >= 0 ? raw.slice(eq + 1) : argv[++i];
    if (value === undefined || value === '' || value.startsWith('--')) throw new BenchArgsError(`--${name} needs a value`);
    out.set(name, parseValue(name, value, spec));
  }
  return out;
}

function parseValue(name: string, value: string, spec: Exclude<FlagSpec, { kind: 'boolean' }>): FlagValue {
  if (spec.kind === 'string') return value;
  if (spec.kind === 'numbers') return value.split(',').map((part) => parseValue(name, part.trim(), { kind: 'number', min: spec.min, integer: true }) as number);
  const n = Number(value);
  if (!Number.isFinite(n) || n < spec.min || (spec.integer && !Number.isInteger(n))) {
    throw new BenchArgsError(`--${name} must be ${spec.integer ? 'an integer' : 'a number'} >= ${spec.min}, got ${value}`);
  }
  return n;
}
