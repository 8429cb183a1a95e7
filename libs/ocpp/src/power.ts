/** The measurand the CSMS reads a charger's current power from (OCPP 1.6 §7.31). */
export const POWER_ACTIVE_IMPORT = 'Power.Active.Import';

/** One sampled value as far as power is concerned: its number already parsed (null when it is not one). */
export interface PowerSample {
  measurand?: string | null;
  phase?: string | null;
  value: number | null;
  unit?: string | null;
}

const PHASES = new Set(['L1', 'L2', 'L3', 'L1-N', 'L2-N', 'L3-N']);

/**
 * Power.Active.Import of one sample time in W: the overall value, else the sum of the phase values; null when
 * the sample holds no power. The one rule for stored power (GET /chargers/:id/power) and live power events.
 */
export function powerWatts(samples: readonly PowerSample[]): number | null {
  const power = samples.filter((s) => s.measurand === POWER_ACTIVE_IMPORT && s.value !== null);
  const watts = (s: PowerSample): number => (s.value as number) * (s.unit?.startsWith('k') && s.unit !== 'K' ? 1000 : 1);
  const overall = power.find((s) => s.phase === null || s.phase === undefined);
  if (overall) return watts(overall);
  const phases = power.filter((s) => s.phase !== null && s.phase !== undefined && PHASES.has(s.phase));
  return phases.length ? phases.reduce((sum, s) => sum + watts(s), 0) : null;
}
