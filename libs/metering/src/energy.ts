/**
 * Energy of a transaction with register sanity (docs/reference/design-decisions.md#metering,
 * docs/reference/zaptec-facts.md#metering: meterStart
 * 2147483647 and registers near 2^32 seen in real Go 2 logs). An implausible meterStart/meterStop never
 * produces a garbage energy: the transaction's own Energy.Active.Import.Register readings decide, or null.
 */

export const INT32_MAX = 2 ** 31 - 1;
export const DEFAULT_MAX_POWER_W = 22_000;
/** Rounding of kWh registers and of meterStart/meterStop to whole Wh. */
const SLACK_WH = 10;

export interface RegisterReading {
  /** epoch ms */
  at: number;
  wh: number;
}

export interface EnergyInput {
  meterStart: number;
  meterStop: number;
  startedAt: number;
  stoppedAt: number;
  /** Overall Energy.Active.Import.Register readings of the transaction, in Wh. */
  registers: RegisterReading[];
  maxPowerW?: number;
}

export interface EnergyResult {
  energyWh: number | null;
  /** Comma-separated reasons, null when the meter values are plausible. */
  anomaly: string | null;
}

const whPossible = (maxPowerW: number, fromMs: number, toMs: number): number => (maxPowerW * Math.abs(toMs - fromMs)) / 3_600_000 + SLACK_WH;

export function computeEnergy(input: EnergyInput): EnergyResult {
  const maxPowerW = input.maxPowerW ?? DEFAULT_MAX_POWER_W;
  const reasons: string[] = [];
  if (input.meterStart >= INT32_MAX) reasons.push('meter-start-out-of-range');
  if (input.meterStop >= INT32_MAX) reasons.push('meter-stop-out-of-range');
  const raw = input.meterStop - input.meterStart;
  if (raw < 0) reasons.push('negative-energy');
  else if (raw > whPossible(maxPowerW, input.startedAt, input.stoppedAt)) reasons.push('energy-above-max-power');

  const regs = [...input.registers].sort((a, b) => a.at - b.at);
  const first = regs[0];
  const last = regs[regs.length - 1];
  if (first && last) {
    // meterStart is the register at start: it cannot exceed a later reading, nor lie further below the
    // first reading than the maximum power could have added in between.
    if (input.meterStart > first.wh + SLACK_WH) reasons.push('meter-start-above-register');
    else if (first.wh - input.meterStart > whPossible(maxPowerW, input.startedAt, first.at)) reasons.push('meter-start-below-register');
    if (input.meterStop < last.wh - SLACK_WH && last.at <= input.stoppedAt) reasons.push('meter-stop-below-register');
    else if (input.meterStop - last.wh > whPossible(maxPowerW, last.at, input.stoppedAt)) reasons.push('meter-stop-above-register');
  }
  const unique = [...new Set(reasons)];
  if (unique.length === 0) return { energyWh: raw, anomaly: null };
  if (!first || !last) return { energyWh: null, anomaly: unique.join(',') };
  const fromRegisters = last.wh - first.wh;
  if (fromRegisters < 0) return { energyWh: null, anomaly: [...unique, 'register-backwards'].join(',') };
  return { energyWh: fromRegisters, anomaly: unique.join(',') };
}
