import { classifySamples, type EagerSettings, type SampleState } from './eager-samples.js';

// Timed sequences: seconds since the last known sample, with Power.Active.Import (W).
const S: EagerSettings = { sampleIntervalSec: 3600, eagerDeltaW: 200 };
const start: SampleState = { lastSampleAt: 0, lastPowerW: 300 };
const seq = (...s: Array<[number, number | null]>) => s.map(([sec, powerW]) => ({ at: sec * 1000, powerW }));

describe('eager Sample.Periodic detection', () => {
  it('recognises the Zaptec guide example (300 W -> 600 W, delta 200) as eager and restarts the interval from it', () => {
    const { verdicts } = classifySamples(S, start, seq([600, 600], [600 + 3600, 620], [600 + 7200, 610]));
    expect(verdicts).toEqual(['eager', 'regular', 'regular']);
  });

  it('counts the next interval from the eager sample: an interval after the old timer is early', () => {
    // eager at 600 s; the old timer would fire at 3600 s, but the charger reset it: 3600 is early.
    const { verdicts } = classifySamples(S, start, seq([600, 50], [3600, 60]));
    expect(verdicts).toEqual(['eager', 'early-without-power-change']);
  });

  it('flags an early sample whose power did not move more than the delta', () => {
    const { verdicts } = classifySamples(S, start, seq([1200, 450]));
    expect(verdicts).toEqual(['early-without-power-change']);
  });

  it('flags an early sample without power readings to explain it, distinctly', () => {
    expect(classifySamples(S, start, seq([1200, null])).verdicts).toEqual(['early-without-power-reading']);
  });

  it('tolerates a little jitter on a regular sample', () => {
    expect(classifySamples(S, start, seq([3599, 300], [7195, 300])).verdicts).toEqual(['regular', 'regular']);
  });

  it('treats every early sample as an anomaly when eager sampling is disabled (delta 0)', () => {
    expect(classifySamples({ ...S, eagerDeltaW: 0 }, start, seq([600, 5000])).verdicts).toEqual(['early-without-power-change']);
  });

  it('checks nothing without settings or with sampling off, and nothing before a first sample', () => {
    expect(classifySamples(undefined, start, seq([10, 0])).verdicts).toEqual(['unchecked']);
    expect(classifySamples({ ...S, sampleIntervalSec: 0 }, start, seq([10, 0])).verdicts).toEqual(['unchecked']);
    expect(classifySamples(S, { lastSampleAt: null, lastPowerW: null }, seq([10, 0], [20, 7000])).verdicts).toEqual(['first', 'eager']);
  });

  it('sorts out-of-order input by time and compares power with the previous sample, not the first', () => {
    const { verdicts, state } = classifySamples(S, start, seq([1200, 900], [600, 600]));
    // sorted: 600 s (300 -> 600: eager), 1200 s (600 -> 900: eager)
    expect(verdicts).toEqual(['eager', 'eager']);
    expect(state).toEqual({ lastSampleAt: 1_200_000, lastPowerW: 900 });
  });
});
