import type { ClearChargingProfileRequest, MeterValuesRequest, SetChargingProfileRequest } from '#csms/ocpp';
import type { PhaseCurrents } from './store.js';

/**
 * Charging profile ids from here up are the site limits' own (docs/site-limits.md#profiles): operator-managed
 * profiles stay below, so neither replaces the other's.
 */
export const SITE_LIMIT_PROFILE_ID_MIN = 900_000_000;
/** The fallback TxDefaultProfile on connector 0. */
export const FALLBACK_PROFILE_ID = SITE_LIMIT_PROFILE_ID_MIN;
/** The TxProfile of the running transaction (one id per charger: a new one replaces the last). */
export const TX_PROFILE_ID = SITE_LIMIT_PROFILE_ID_MIN + 1;
/**
 * Every site-limit profile has this stack level: a profile with the same purpose and stack level replaces ours, and a
 * higher one takes precedence (docs/reference/protocol-notes.md#charging-profiles), so operator profiles of these
 * purposes stay below it.
 */
export const SITE_LIMIT_STACK_LEVEL = 8;

function profile(
  purpose: 'TxDefaultProfile' | 'TxProfile',
  id: number,
  limitA: number,
  transactionId?: number,
): SetChargingProfileRequest['csChargingProfiles'] {
  return {
    chargingProfileId: id,
    ...(transactionId !== undefined ? { transactionId } : {}),
    stackLevel: SITE_LIMIT_STACK_LEVEL,
    chargingProfilePurpose: purpose,
    // Relative with one period from 0: in force from the moment the charger accepts it until replaced.
    chargingProfileKind: 'Relative',
    chargingSchedule: { chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: limitA }] },
  };
}

/** The fallback every member keeps, for every transaction it starts (connector 0: all connectors). */
export function fallbackProfile(limitA: number): SetChargingProfileRequest {
  return { connectorId: 0, csChargingProfiles: profile('TxDefaultProfile', FALLBACK_PROFILE_ID, limitA) };
}

/** A running transaction's share. */
export function transactionProfile(connectorId: number, transactionId: number, limitA: number): SetChargingProfileRequest {
  return { connectorId, csChargingProfiles: profile('TxProfile', TX_PROFILE_ID, limitA, transactionId) };
}

/** What removing a group's limit clears on each member: its two profiles, by id. */
export const CLEAR_SITE_LIMIT_PROFILES: ClearChargingProfileRequest[] = [{ id: FALLBACK_PROFILE_ID }, { id: TX_PROFILE_ID }];

/**
 * Current.Import per phase of the newest entry of a MeterValues that has one (undefined: none). A value without a
 * phase is the current of every phase; line-to-neutral names count as their line ("L1-N" is L1).
 */
export function currentImport(meterValue: MeterValuesRequest['meterValue']): { phases: PhaseCurrents; at: string } | undefined {
  let best: { phases: PhaseCurrents; at: string; t: number } | undefined;
  for (const entry of meterValue) {
    const phases: PhaseCurrents = {};
    for (const v of entry.sampledValue) {
      if (v.measurand !== 'Current.Import' || (v.format ?? 'Raw') !== 'Raw') continue;
      const a = Number(v.value);
      if (!Number.isFinite(a)) continue;
      if (v.phase === undefined) for (const p of ['L1', 'L2', 'L3']) phases[p] = Math.max(phases[p] ?? 0, a);
      else if (/^L[123](-N)?$/.test(v.phase)) phases[v.phase.slice(0, 2)] = a;
    }
    const t = Date.parse(entry.timestamp);
    if (Object.keys(phases).length > 0 && Number.isFinite(t) && (!best || t >= best.t)) best = { phases, at: new Date(t).toISOString(), t };
  }
  return best && { phases: best.phases, at: best.at };
}
