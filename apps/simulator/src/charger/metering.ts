// Meter readings in the shape observed on a Go 2 (docs/reference/zaptec-facts.md#metering, the observed payload): one meterValue entry per
// measurand sharing one timestamp; energy in Wh; Current.Import per phase L1..L3; Voltage per phase plus
// line-line; location Outlet.
import type { Measurand } from './presets.js';

export interface SampledValue {
  value: string;
  context?: string;
  format?: 'Raw';
  measurand?: string;
  phase?: string;
  location?: string;
  unit?: string;
}

export interface MeterValue {
  timestamp: string;
  sampledValue: SampledValue[];
}

export interface Reading {
  /** ms since epoch */
  at: number;
  energyWh: number;
  powerW: number;
  phases: 1 | 3;
  offeredA: number;
}

const VOLTAGE = 230;
const LINE_LINE_VOLTAGE = 400;

function sampledValuesFor(m: Measurand, r: Reading, context: string): SampledValue[] {
  const base = { context, measurand: m, location: 'Outlet' };
  switch (m) {
    case 'Energy.Active.Import.Register':
      return [{ ...base, value: String(Math.round(r.energyWh)), unit: 'Wh' }];
    case 'Power.Active.Import':
      return [{ ...base, value: String(Math.round(r.powerW)), unit: 'W' }];
    case 'Current.Offered':
      return [{ ...base, value: r.offeredA.toFixed(1), unit: 'A' }];
    case 'Current.Import': {
      const perPhase = (r.powerW / (r.phases * VOLTAGE)).toFixed(2);
      const phases = r.phases === 3 ? ['L1', 'L2', 'L3'] : ['L1'];
      return phases.map((phase) => ({ ...base, value: perPhase, unit: 'A', phase }));
    }
    case 'Voltage': {
      const ln = ['L1', 'L2', 'L3'].map((phase) => ({ ...base, value: VOLTAGE.toFixed(1), unit: 'V', phase }));
      const ll = ['L1-L2', 'L2-L3', 'L3-L1'].map((phase) => ({ ...base, value: LINE_LINE_VOLTAGE.toFixed(1), unit: 'V', phase }));
      return [...ln, ...ll];
    }
  }
}

/** MeterValues.req meterValue: one entry per measurand, all with the same timestamp. */
export function perMeasurandEntries(measurands: readonly Measurand[], r: Reading, context: string): MeterValue[] {
  const timestamp = new Date(r.at).toISOString();
  return measurands.map((m) => ({ timestamp, sampledValue: sampledValuesFor(m, r, context) }));
}

/** StopTransaction transactionData entry: one timestamp carrying all stop measurands. */
export function combinedEntry(measurands: readonly Measurand[], r: Reading, context: string): MeterValue {
  return { timestamp: new Date(r.at).toISOString(), sampledValue: measurands.flatMap((m) => sampledValuesFor(m, r, context)) };
}

function entryContext(e: MeterValue): string | undefined {
  return e.sampledValue[0]?.context;
}

/**
 * StopTransaction thinning as Go 2 firmware does it (docs/reference/zaptec-facts.md#metering): while there are more entries than
 * StopTransactionMaxMeterValues, drop the first entry that is not Transaction.Begin, then every other one after it
 * (with Begin at index 0 that is indices 1, 3, 5, ...), stopping as soon as the count is within the cap;
 * if one pass is not enough, the next pass starts again on what is left. Transaction.End is never dropped.
 * Returns the kept entries in order. A cap of 0 means no transactionData at all.
 */
export function thinTransactionData<T extends MeterValue>(entries: readonly T[], max: number): T[] {
  if (max <= 0) return [];
  let list = [...entries];
  while (list.length > max) {
    const first = list.findIndex((e) => entryContext(e) !== 'Transaction.Begin');
    if (first < 0) break;
    const kept: T[] = [];
    let remaining = list.length;
    let removed = 0;
    list.forEach((e, i) => {
      const candidate = i >= first && (i - first) % 2 === 0;
      const isEnd = entryContext(e) === 'Transaction.End';
      if (candidate && !isEnd && remaining > max) {
        remaining--;
        removed++;
      } else {
        kept.push(e);
      }
    });
    list = kept;
    if (removed === 0) break; // only Begin/End left: cannot go lower
  }
  return list;
}

/**
 * docs/reference/zaptec-facts.md#poweractiveimportdeltaforeagermetervaluesample: when Power.Active.Import has moved by
 * more than the delta (W) since the power in the last
 * sample related to MeterValuesSampledData, send a Sample.Periodic at once and restart the interval. 0 = off.
 */
export class EagerSampleRule {
  private lastSentPowerW: number;

  constructor(initialPowerW = 0) {
    this.lastSentPowerW = initialPowerW;
  }

  /** True when a sample must go out now for this power reading. */
  shouldSend(powerW: number, deltaW: number): boolean {
    if (deltaW <= 0) return false;
    return Math.abs(powerW - this.lastSentPowerW) > deltaW;
  }

  markSent(powerW: number): void {
    this.lastSentPowerW = powerW;
  }

  get lastSent(): number {
    return this.lastSentPowerW;
  }
}

/** The lowest current a car charges at: offered less, it draws nothing (docs/reference/protocol-notes.md#charging-profiles). */
export const MIN_CHARGING_CURRENT_A = 6;

/** The car at the connector: how many phases it draws on and its own maximum current per phase. */
export interface Car {
  phases: 1 | 3;
  maxCurrentA: number;
}

/**
 * What the car draws (W): what it asks for (the power curve), capped by its own maximum, the charger's maximum and
 * the charging profile limit in force (A per phase); a limit below 6 A stops it.
 */
export function drawnPowerW(demandW: number, limitA: number | undefined, car: Car, chargerMaxA: number): number {
  if (limitA !== undefined && limitA < MIN_CHARGING_CURRENT_A) return 0;
  const amps = Math.min(car.maxCurrentA, chargerMaxA, limitA ?? Infinity);
  return Math.min(demandW, amps * VOLTAGE * car.phases);
}

export interface PowerStep {
  /** Seconds since the transaction started. */
  atSecond: number;
  powerW: number;
}

/** A power curve is a step function: each step's power holds until the next step. */
export function powerAt(curve: readonly PowerStep[], second: number): number {
  let p = 0;
  for (const s of curve) {
    if (s.atSecond <= second) p = s.powerW;
    else break;
  }
  return p;
}

export function validateCurve(curve: readonly PowerStep[]): string | undefined {
  if (curve.length === 0) return 'power curve is empty';
  for (let i = 0; i < curve.length; i++) {
    const s = curve[i]!;
    if (!Number.isFinite(s.atSecond) || s.atSecond < 0) return `step ${i}: atSecond must be >= 0`;
    if (!Number.isFinite(s.powerW) || s.powerW < 0) return `step ${i}: powerW must be >= 0`;
    if (i > 0 && s.atSecond <= curve[i - 1]!.atSecond) return `step ${i}: atSecond must increase`;
  }
  return undefined;
}
