import { BenchArgsError, parseFlags, type FlagSpec } from './flags.js';

const specs: Record<string, FlagSpec> = {
  quick: { kind: 'boolean' },
  only: { kind: 'string' },
  chargers: { kind: 'number', min: 1, integer: true },
  rate: { kind: 'number', min: 0.5, integer: false },
  density: { kind: 'numbers', min: 1 },
};

describe('parseFlags (the benchmarks take no flag they do not know)', () => {
  it('reads booleans, --name value, --name=value and lists', () => {
    const f = parseFlags(['--quick', '--only', 'storm,latency', '--chargers=2000', '--rate', '1.5', '--density', '10000, 20000'], specs);
    expect(Object.fromEntries(f)).toEqual({ quick: true, only: 'storm,latency', chargers: 2000, rate: 1.5, density: [10_000, 20_000] });
  });

  it.each([
    [['--chargrs', '100'], /unknown flag --chargrs/],
    [['storm'], /unexpected argument storm/],
    [['--chargers'], /--chargers needs a value/],
    [['--chargers', '--quick'], /--chargers needs a value/],
    [['--chargers', '0'], /--chargers must be an integer >= 1, got 0/],
    [['--chargers', '1.5'], /must be an integer/],
    [['--rate', 'fast'], /--rate must be a number >= 0.5, got fast/],
    [['--density', '10000,x'], /--density must be an integer >= 1, got x/],
    [['--quick=yes'], /--quick takes no value/],
  ])('%j is refused', (argv, message) => {
    expect(() => parseFlags(argv, specs)).toThrow(BenchArgsError);
    expect(() => parseFlags(argv, specs)).toThrow(message);
  });
});
