/**
 * Eager Sample.Periodic detection (Zaptec PowerActiveImportDeltaForEagerMeterValueSample,
 * docs/reference/zaptec-facts.md#poweractiveimportdeltaforeagermetervaluesample): when Power.Active.Import moved more
 * than the delta (W) since the last
 * sample, the charger sends a Sample.Periodic at once and restarts its MeterValueSampleInterval timer.
 *
 * Pure: the caller supplies the settings, the previous sample (from the database) and the new samples of
 * one (charger, connector, transaction) in time order; it gets a verdict per sample.
 */

export interface EagerSettings {
  /** MeterValueSampleInterval, seconds; 0 = no periodic sampling: nothing to check. */
  sampleIntervalSec: number;
  /** PowerActiveImportDeltaForEagerMeterValueSample, W; 0 = eager samples disabled. */
  eagerDeltaW: number;
}

export interface SampleState {
  /** Epoch ms of the last Sample.Periodic: the charger's timer runs from it. */
  lastSampleAt: number | null;
  /** Power.Active.Import (W) at the last sample, when it carried one. */
  lastPowerW: number | null;
}

export interface PeriodicSample {
  at: number;
  /** Power.Active.Import of this sample in W, null when the sample has none. */
  powerW: number | null;
}

export type SampleVerdict =
  | 'first' // no previous sample to measure from (first of a transaction / of the connector)
  | 'unchecked' // no settings known, or sampling disabled
  | 'regular' // the interval elapsed
  | 'eager' // early, and power moved more than the delta: the charger's eager sample
  | 'early-without-power-change' // early, power known on both sides, moved no more than the delta
  | 'early-without-power-reading'; // early, and no power on one side to explain it

/** Jitter allowed before a sample counts as early: clocks, queueing and rounding to whole seconds. */
export function earlyToleranceMs(sampleIntervalSec: number): number {
  return Math.max(2_000, sampleIntervalSec * 1000 * 0.02);
}

export function classifySample(settings: EagerSettings | undefined, state: SampleState, sample: PeriodicSample): SampleVerdict {
  if (!settings || settings.sampleIntervalSec <= 0) return 'unchecked';
  if (state.lastSampleAt === null) return 'first';
  const elapsed = sample.at - state.lastSampleAt;
  if (elapsed >= settings.sampleIntervalSec * 1000 - earlyToleranceMs(settings.sampleIntervalSec)) return 'regular';
  if (sample.powerW === null || state.lastPowerW === null) return 'early-without-power-reading';
  if (settings.eagerDeltaW > 0 && Math.abs(sample.powerW - state.lastPowerW) > settings.eagerDeltaW) return 'eager';
  return 'early-without-power-change';
}

/** Every sample, whatever its verdict, restarts the timer: the charger resets it on each Sample.Periodic. */
export function advance(state: SampleState, sample: PeriodicSample): SampleState {
  return { lastSampleAt: sample.at, lastPowerW: sample.powerW ?? state.lastPowerW };
}

export function classifySamples(
  settings: EagerSettings | undefined,
  initial: SampleState,
  samples: PeriodicSample[],
): { verdicts: SampleVerdict[]; state: SampleState } {
  let state = initial;
  const verdicts: SampleVerdict[] = [];
  for (const s of [...samples].sort((a, b) => a.at - b.at)) {
    verdicts.push(classifySample(settings, state, s));
    state = advance(state, s);
  }
  return { verdicts, state };
}

/** The anomaly text stored on the readings of a sample, or null. */
export function anomalyOf(v: SampleVerdict): string | null {
  return v === 'early-without-power-change' || v === 'early-without-power-reading' ? v : null;
}
