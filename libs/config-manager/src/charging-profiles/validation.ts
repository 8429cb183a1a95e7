import { validatePayload } from '#csms/ocpp';
import type { ApiFieldError } from '#csms/http';
import type { ChargerLimits } from './charger-limits.js';
import { MAX_PROFILES_PER_LEVEL, SITE_LIMIT_PROFILE_ID_MIN, SITE_LIMIT_STACK_LEVEL, type ProfileInput } from './types.js';

const at = (i: number, field: string): string => `profiles[${i}].${field}`;
const cp = (i: number, field: string): string => at(i, `csChargingProfiles.${field}`);

/** The (connectorId, purpose, stackLevel) slot: OCPP 1.6 §5.16.3 makes a new profile replace the one in the same slot. */
export const slotOf = (p: ProfileInput): string => `${p.connectorId}/${p.csChargingProfiles.chargingProfilePurpose}/${p.csChargingProfiles.stackLevel}`;

/**
 * The rules a desired profile must meet whatever charger it goes to (docs/charging-profiles.md#validation). The body
 * is first checked against the SetChargingProfile.req schema; then the rules of desired state: purposes, ids, kinds,
 * schedule periods, and no two profiles of one level in the same slot.
 */
export function validateProfiles(body: unknown): { ok: true; profiles: ProfileInput[] } | { ok: false; errors: ApiFieldError[] } {
  if (!Array.isArray(body))
    return { ok: false, errors: [{ field: 'profiles', rule: 'type', message: 'profiles must be an array of SetChargingProfile payloads' }] };
  if (body.length > MAX_PROFILES_PER_LEVEL) {
    return { ok: false, errors: [{ field: 'profiles', rule: 'maxItems', message: `at most ${MAX_PROFILES_PER_LEVEL} profiles per charger or group` }] };
  }
  const errors: ApiFieldError[] = [];
  body.forEach((item: unknown, i) => {
    const schema = validatePayload('SetChargingProfile', 'request', item);
    if (!schema.ok) {
      for (const e of schema.errors)
        errors.push({ field: at(i, e.path.replace(/^\$\.?/, '')), rule: 'schema', message: `profiles[${i}]: ${e.path} ${e.message}` });
      return;
    }
    errors.push(...profileRules(item as ProfileInput, i));
  });
  if (errors.length > 0) return { ok: false, errors };
  const profiles = body as ProfileInput[];
  errors.push(...duplicates(profiles));
  return errors.length > 0 ? { ok: false, errors } : { ok: true, profiles };
}

function profileRules(p: ProfileInput, i: number): ApiFieldError[] {
  const out: ApiFieldError[] = [];
  const c = p.csChargingProfiles;
  const add = (field: string, rule: string, message: string): void => void out.push({ field, rule, message: `profiles[${i}]: ${message}` });
  if (!Number.isInteger(p.connectorId) || p.connectorId < 0) add(at(i, 'connectorId'), 'connectorId.range', 'connectorId must be an integer >= 0');
  if (!Number.isInteger(c.chargingProfileId) || c.chargingProfileId < 1) {
    add(cp(i, 'chargingProfileId'), 'chargingProfileId.range', 'chargingProfileId must be an integer >= 1');
  } else if (c.chargingProfileId >= SITE_LIMIT_PROFILE_ID_MIN) {
    add(
      cp(i, 'chargingProfileId'),
      'chargingProfileId.reserved',
      `chargingProfileId ${SITE_LIMIT_PROFILE_ID_MIN} and above belong to site limits (load management); use an id below ${SITE_LIMIT_PROFILE_ID_MIN}`,
    );
  }
  if (c.chargingProfilePurpose === 'TxProfile') {
    add(
      cp(i, 'chargingProfilePurpose'),
      'purpose.txProfileNotDesired',
      'TxProfile only exists for a running transaction and ends with it: send it once with POST /api/v1/chargers/:id/commands (SetChargingProfile), not as desired state',
    );
  }
  if (c.chargingProfilePurpose === 'ChargePointMaxProfile' && p.connectorId !== 0) {
    add(at(i, 'connectorId'), 'purpose.chargePointMaxOnConnectorZero', 'ChargePointMaxProfile applies to the whole charger: connectorId must be 0');
  }
  if (c.transactionId !== undefined) add(cp(i, 'transactionId'), 'transactionId.onlyTxProfile', 'transactionId belongs to a TxProfile only');
  if (!Number.isInteger(c.stackLevel) || c.stackLevel < 0) add(cp(i, 'stackLevel'), 'stackLevel.range', 'stackLevel must be an integer >= 0');
  else if (c.chargingProfilePurpose === 'TxDefaultProfile' && c.stackLevel >= SITE_LIMIT_STACK_LEVEL) {
    // the same or a higher level would replace or outrank a site limit's fallback profile and break the fuse
    add(
      cp(i, 'stackLevel'),
      'stackLevel.siteLimitReserved',
      `a TxDefaultProfile at stackLevel ${SITE_LIMIT_STACK_LEVEL} or above would override site limits; use a stackLevel below ${SITE_LIMIT_STACK_LEVEL}`,
    );
  }
  const s = c.chargingSchedule;
  if (c.chargingProfileKind === 'Absolute' && s.startSchedule === undefined) {
    add(cp(i, 'chargingSchedule.startSchedule'), 'startSchedule.requiredForAbsolute', 'an Absolute profile needs chargingSchedule.startSchedule');
  }
  if (c.chargingProfileKind === 'Recurring') {
    if (c.recurrencyKind === undefined)
      add(cp(i, 'recurrencyKind'), 'recurrencyKind.requiredForRecurring', 'a Recurring profile needs recurrencyKind (Daily or Weekly)');
    if (s.startSchedule === undefined) {
      add(cp(i, 'chargingSchedule.startSchedule'), 'startSchedule.requiredForRecurring', 'a Recurring profile needs chargingSchedule.startSchedule');
    }
  } else if (c.recurrencyKind !== undefined) {
    add(cp(i, 'recurrencyKind'), 'recurrencyKind.onlyRecurring', 'recurrencyKind belongs to a Recurring profile only');
  }
  if (c.chargingProfileKind === 'Relative' && s.startSchedule !== undefined) {
    add(cp(i, 'chargingSchedule.startSchedule'), 'startSchedule.absentForRelative', 'a Relative profile starts with the transaction: leave startSchedule out');
  }
  if (c.validFrom !== undefined && c.validTo !== undefined && Date.parse(c.validFrom) >= Date.parse(c.validTo)) {
    add(cp(i, 'validTo'), 'validTo.afterValidFrom', 'validTo must be after validFrom');
  }
  if (s.duration !== undefined && (!Number.isInteger(s.duration) || s.duration <= 0)) {
    add(cp(i, 'chargingSchedule.duration'), 'duration.range', 'duration must be a whole number of seconds > 0');
  }
  const periods = s.chargingSchedulePeriod;
  if (periods.length === 0) add(cp(i, 'chargingSchedule.chargingSchedulePeriod'), 'periods.nonEmpty', 'a schedule needs at least one period');
  periods.forEach((period, j) => {
    const f = (name: string): string => cp(i, `chargingSchedule.chargingSchedulePeriod[${j}].${name}`);
    if (j === 0 && period.startPeriod !== 0) add(f('startPeriod'), 'startPeriod.firstIsZero', 'the first period must start at startPeriod 0');
    const prev = periods[j - 1];
    if (prev !== undefined && period.startPeriod <= prev.startPeriod) {
      add(f('startPeriod'), 'startPeriod.ascending', `startPeriod ${period.startPeriod} must be greater than the previous period's ${prev.startPeriod}`);
    }
    if (!Number.isInteger(period.startPeriod) || period.startPeriod < 0)
      add(f('startPeriod'), 'startPeriod.range', 'startPeriod must be a whole number of seconds >= 0');
    if (period.limit < 0) add(f('limit'), 'limit.range', 'limit must be >= 0');
    if (period.numberPhases !== undefined && ![1, 2, 3].includes(period.numberPhases))
      add(f('numberPhases'), 'numberPhases.range', 'numberPhases must be 1, 2 or 3');
  });
  if (s.duration !== undefined) {
    const last = periods[periods.length - 1];
    if (last !== undefined && last.startPeriod >= s.duration) {
      add(cp(i, 'chargingSchedule.duration'), 'duration.coversPeriods', `duration ${s.duration} ends before the last period starts (${last.startPeriod})`);
    }
  }
  return out;
}

function duplicates(profiles: ProfileInput[]): ApiFieldError[] {
  const out: ApiFieldError[] = [];
  const ids = new Map<number, number>();
  const slots = new Map<string, number>();
  profiles.forEach((p, i) => {
    const id = p.csChargingProfiles.chargingProfileId;
    const sameId = ids.get(id);
    if (sameId !== undefined) {
      out.push({
        field: cp(i, 'chargingProfileId'),
        rule: 'chargingProfileId.unique',
        message: `profiles[${i}]: chargingProfileId ${id} is also profiles[${sameId}]'s`,
      });
    } else ids.set(id, i);
    const slot = slots.get(slotOf(p));
    if (slot !== undefined) {
      out.push({
        field: cp(i, 'stackLevel'),
        rule: 'stackLevel.uniquePerPurposeAndConnector',
        message: `profiles[${i}]: profiles[${slot}] has the same connectorId, purpose and stackLevel; the charger would keep only one of them`,
      });
    } else slots.set(slotOf(p), i);
  });
  return out;
}

/**
 * The rules that depend on what one charger reported (docs/charging-profiles.md#validation): stackLevel within
 * ChargeProfileMaxStackLevel, a unit in ChargingScheduleAllowedChargingRateUnit, at most ChargingScheduleMaxPeriods
 * periods. `fieldOf` names the profile in the request; `who` names the charger in the message.
 */
export function checkAgainstCharger(p: ProfileInput, limits: ChargerLimits, fieldOf: (field: string) => string, who: string): ApiFieldError[] {
  const out: ApiFieldError[] = [];
  const c = p.csChargingProfiles;
  const s = c.chargingSchedule;
  if (limits.maxStackLevel !== undefined && c.stackLevel > limits.maxStackLevel) {
    out.push({
      field: fieldOf('csChargingProfiles.stackLevel'),
      rule: 'stackLevel.max',
      message: `stackLevel ${c.stackLevel} is above ${who}'s ChargeProfileMaxStackLevel ${limits.maxStackLevel}`,
    });
  }
  if (limits.allowedUnits !== undefined && !limits.allowedUnits.includes(s.chargingRateUnit)) {
    out.push({
      field: fieldOf('csChargingProfiles.chargingSchedule.chargingRateUnit'),
      rule: 'chargingRateUnit.allowed',
      message: `chargingRateUnit ${s.chargingRateUnit} is not in ${who}'s ChargingScheduleAllowedChargingRateUnit (${limits.allowedUnits.join(', ') || 'none'})`,
    });
  }
  if (limits.maxPeriods !== undefined && s.chargingSchedulePeriod.length > limits.maxPeriods) {
    out.push({
      field: fieldOf('csChargingProfiles.chargingSchedule.chargingSchedulePeriod'),
      rule: 'chargingSchedulePeriod.maxPeriods',
      message: `${s.chargingSchedulePeriod.length} periods are more than ${who}'s ChargingScheduleMaxPeriods ${limits.maxPeriods}`,
    });
  }
  return out;
}
