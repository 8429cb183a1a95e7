import type { CsChargingProfile, ProfileInput } from './types.js';

export interface SchedulePeriod {
  startPeriod: number;
  limit: number;
}

/** A step function over [0, duration) seconds: null where no profile limits the charger. */
type Steps = Array<{ from: number; limit: number | null }>;

const DAY_MS = 86_400_000;
const RECURRENCE_MS = { Daily: DAY_MS, Weekly: 7 * DAY_MS } as const;

/** When the schedule that applies at `t` (ms) started, or undefined when it has not started. */
function originAt(c: CsChargingProfile, t: number, requestAt: number): number | undefined {
  const start = c.chargingSchedule.startSchedule === undefined ? undefined : Date.parse(c.chargingSchedule.startSchedule);
  // A Relative profile starts with a transaction; asked without one, the charger counts from the request.
  if (c.chargingProfileKind === 'Relative' || start === undefined) return requestAt;
  if (c.chargingProfileKind === 'Recurring' && c.recurrencyKind !== undefined) {
    const every = RECURRENCE_MS[c.recurrencyKind];
    return t < start ? undefined : start + Math.floor((t - start) / every) * every;
  }
  return t < start ? undefined : start;
}

function limitAt(c: CsChargingProfile, t: number, requestAt: number): number | undefined {
  if (c.validFrom !== undefined && t < Date.parse(c.validFrom)) return undefined;
  if (c.validTo !== undefined && t >= Date.parse(c.validTo)) return undefined;
  const origin = originAt(c, t, requestAt);
  if (origin === undefined) return undefined;
  const elapsedS = (t - origin) / 1000;
  const s = c.chargingSchedule;
  if (s.duration !== undefined && elapsedS >= s.duration) return undefined;
  let limit: number | undefined;
  for (const p of s.chargingSchedulePeriod) if (p.startPeriod <= elapsedS) limit = p.limit;
  return limit;
}

/** Every moment (ms) within the window where some profile's limit may change. */
function breakpoints(profiles: CsChargingProfile[], from: number, to: number, requestAt: number): number[] {
  const out = new Set<number>([from]);
  const add = (t: number): void => void (t > from && t < to && out.add(t));
  for (const c of profiles) {
    if (c.validFrom !== undefined) add(Date.parse(c.validFrom));
    if (c.validTo !== undefined) add(Date.parse(c.validTo));
    const s = c.chargingSchedule;
    const offsets = [...s.chargingSchedulePeriod.map((p) => p.startPeriod), ...(s.duration !== undefined ? [s.duration] : [])];
    const first = originAt(c, from, requestAt) ?? (s.startSchedule !== undefined ? Date.parse(s.startSchedule) : requestAt);
    const every = c.chargingProfileKind === 'Recurring' && c.recurrencyKind !== undefined ? RECURRENCE_MS[c.recurrencyKind] : undefined;
    for (let origin = first; origin < to; origin += every ?? Infinity) {
      for (const o of offsets) add(origin + o * 1000);
      if (every === undefined) break;
    }
  }
  return [...out].sort((a, b) => a - b);
}

/** The highest stackLevel profile that limits at `t`; a connector's own profile wins over connector 0's at the same level. */
function topLimit(candidates: ProfileInput[], t: number, requestAt: number): number | undefined {
  const sorted = [...candidates].sort((a, b) => b.csChargingProfiles.stackLevel - a.csChargingProfiles.stackLevel || b.connectorId - a.connectorId);
  for (const p of sorted) {
    const l = limitAt(p.csChargingProfiles, t, requestAt);
    if (l !== undefined) return l;
  }
  return undefined;
}

/**
 * The composite schedule a charger should report for `connectorId` from these profiles alone, without a
 * transaction (docs/charging-profiles.md#composite-schedule): at each moment the lower of the ChargePointMaxProfile
 * and the TxDefaultProfile in force (the connector's own, else connector 0's), each the highest stackLevel that has
 * a period then. Profiles in another unit than `unit` are left out (returned in `otherUnit`): converting A to W
 * needs the voltage and phases the charger uses, which it alone knows.
 */
export function expectedComposite(
  profiles: ProfileInput[],
  connectorId: number,
  start: Date,
  durationS: number,
  unit: 'A' | 'W',
): { periods: SchedulePeriod[]; otherUnit: number[] } {
  const inUnit = profiles.filter((p) => p.csChargingProfiles.chargingSchedule.chargingRateUnit === unit);
  const otherUnit = profiles.filter((p) => !inUnit.includes(p)).map((p) => p.csChargingProfiles.chargingProfileId);
  const max = inUnit.filter((p) => p.csChargingProfiles.chargingProfilePurpose === 'ChargePointMaxProfile');
  const tx = inUnit.filter((p) => p.csChargingProfiles.chargingProfilePurpose === 'TxDefaultProfile' && (p.connectorId === connectorId || p.connectorId === 0));
  const from = start.getTime();
  const to = from + durationS * 1000;
  const steps: Steps = [];
  for (const t of breakpoints(
    [...max, ...tx].map((p) => p.csChargingProfiles),
    from,
    to,
    from,
  )) {
    const limits = [topLimit(max, t, from), topLimit(tx, t, from)].filter((l): l is number => l !== undefined);
    const limit = limits.length === 0 ? null : Math.min(...limits);
    // Whole seconds, as the charger reports startPeriod; a change inside a second counts from the next one.
    const fromS = Math.ceil((t - from) / 1000);
    const prev = steps[steps.length - 1];
    if (prev !== undefined && prev.from === fromS) prev.limit = limit;
    else if (prev === undefined || prev.limit !== limit) steps.push({ from: fromS, limit });
  }
  const periods = steps.filter((s): s is { from: number; limit: number } => s.limit !== null).map((s) => ({ startPeriod: s.from, limit: s.limit }));
  return { periods, otherUnit };
}

export type CompositeDriftState = 'in-sync' | 'limited-further' | 'drift';
export interface CompositeDifference {
  from: number;
  to: number;
  expected: number | null;
  reported: number | null;
}

function stepsOf(periods: SchedulePeriod[], durationS: number): Steps {
  const steps: Steps = [];
  if ((periods[0]?.startPeriod ?? durationS) > 0) steps.push({ from: 0, limit: null });
  for (const p of periods) steps.push({ from: p.startPeriod, limit: p.limit });
  return steps;
}

const valueAt = (steps: Steps, s: number): number | null => {
  let v: number | null = null;
  for (const st of steps) if (st.from <= s) v = st.limit;
  return v;
};

/**
 * Where the charger's composite schedule differs from the expected one. A change up to one second apart is the
 * same change (chargers round startPeriod their own way), limits equal to 0.1 (the precision OCPP gives a limit).
 * `limited-further`: every difference is the charger holding less than our profiles alone give, which another
 * profile on the charger does, such as a site limit (docs/charging-profiles.md#composite-schedule); `drift`: the
 * charger allows more than our profiles, or lacks a limit we set, so a profile of ours is missing or different.
 */
export function compareComposite(
  expected: SchedulePeriod[],
  reported: SchedulePeriod[],
  durationS: number,
): { state: CompositeDriftState; differences: CompositeDifference[] } {
  const e = stepsOf(expected, durationS);
  const r = stepsOf(reported, durationS);
  const cuts = [...new Set([...e, ...r].map((s) => s.from).filter((s) => s < durationS))].sort((a, b) => a - b);
  const differences: CompositeDifference[] = [];
  cuts.forEach((from, i) => {
    const to = cuts[i + 1] ?? durationS;
    const ev = valueAt(e, from);
    const rv = valueAt(r, from);
    const same = ev === rv || (ev !== null && rv !== null && Math.abs(ev - rv) < 0.05);
    if (same || to - from <= 1) return;
    const last = differences[differences.length - 1];
    if (last && last.to === from && last.expected === ev && last.reported === rv) last.to = to;
    else differences.push({ from, to, expected: ev, reported: rv });
  });
  if (differences.length === 0) return { state: 'in-sync', differences };
  const further = differences.every((d) => d.reported !== null && (d.expected === null || d.reported < d.expected));
  return { state: further ? 'limited-further' : 'drift', differences };
}
