import { describe, expect, it } from '@jest/globals';
import { limitsOf } from './charger-limits.js';
import type { ProfileInput } from './types.js';
import { checkAgainstCharger, validateProfiles } from './validation.js';

const profile = (over: Partial<ProfileInput['csChargingProfiles']> = {}, connectorId = 1): ProfileInput => ({
  connectorId,
  csChargingProfiles: {
    chargingProfileId: 10,
    stackLevel: 1,
    chargingProfilePurpose: 'TxDefaultProfile',
    chargingProfileKind: 'Absolute',
    chargingSchedule: { startSchedule: '2026-01-01T00:00:00Z', chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 16 }] },
    ...over,
  },
});

const rulesOf = (body: unknown): Array<{ field?: string; rule: string }> => {
  const v = validateProfiles(body);
  return v.ok ? [] : v.errors.map(({ field, rule }) => ({ field, rule }));
};

describe('validateProfiles', () => {
  it('accepts a ChargePointMaxProfile on connector 0 and a TxDefaultProfile', () => {
    const max = profile({ chargingProfileId: 1, chargingProfilePurpose: 'ChargePointMaxProfile', stackLevel: 0 }, 0);
    const v = validateProfiles([max, profile()]);
    expect(v.ok).toBe(true);
  });

  it('names the field and rule of each purpose refusal', () => {
    expect(rulesOf([profile({ chargingProfilePurpose: 'ChargePointMaxProfile' }, 1)])).toEqual([
      { field: 'profiles[0].connectorId', rule: 'purpose.chargePointMaxOnConnectorZero' },
    ]);
    expect(rulesOf([profile({ chargingProfilePurpose: 'TxProfile', transactionId: 5 })])).toEqual([
      { field: 'profiles[0].csChargingProfiles.chargingProfilePurpose', rule: 'purpose.txProfileNotDesired' },
      { field: 'profiles[0].csChargingProfiles.transactionId', rule: 'transactionId.onlyTxProfile' },
    ]);
  });

  it('refuses the ids reserved for site limits', () => {
    expect(rulesOf([profile({ chargingProfileId: 900_000_000 })])).toEqual([
      { field: 'profiles[0].csChargingProfiles.chargingProfileId', rule: 'chargingProfileId.reserved' },
    ]);
    expect(rulesOf([profile({ chargingProfileId: 899_999_999 })])).toEqual([]);
  });

  it("keeps TxDefaultProfiles below the site limits' stack level; a ChargePointMaxProfile may sit at any level", () => {
    expect(rulesOf([profile({ stackLevel: 8 })])).toEqual([{ field: 'profiles[0].csChargingProfiles.stackLevel', rule: 'stackLevel.siteLimitReserved' }]);
    expect(rulesOf([profile({ stackLevel: 7 })])).toEqual([]);
    expect(rulesOf([profile({ stackLevel: 8, chargingProfilePurpose: 'ChargePointMaxProfile' }, 0)])).toEqual([]);
  });

  it('wants periods starting at 0 and ordered by startPeriod', () => {
    const periods = [
      { startPeriod: 60, limit: 10 },
      { startPeriod: 30, limit: 8 },
    ];
    expect(rulesOf([profile({ chargingSchedule: { startSchedule: '2026-01-01T00:00:00Z', chargingRateUnit: 'A', chargingSchedulePeriod: periods } })])).toEqual(
      [
        { field: 'profiles[0].csChargingProfiles.chargingSchedule.chargingSchedulePeriod[0].startPeriod', rule: 'startPeriod.firstIsZero' },
        { field: 'profiles[0].csChargingProfiles.chargingSchedule.chargingSchedulePeriod[1].startPeriod', rule: 'startPeriod.ascending' },
      ],
    );
  });

  it('checks the kinds: Absolute and Recurring need startSchedule, Relative must not have it', () => {
    const noStart = { chargingRateUnit: 'A' as const, chargingSchedulePeriod: [{ startPeriod: 0, limit: 6 }] };
    expect(rulesOf([profile({ chargingSchedule: noStart })]).map((e) => e.rule)).toEqual(['startSchedule.requiredForAbsolute']);
    expect(rulesOf([profile({ chargingProfileKind: 'Recurring', chargingSchedule: noStart })]).map((e) => e.rule)).toEqual([
      'recurrencyKind.requiredForRecurring',
      'startSchedule.requiredForRecurring',
    ]);
    expect(rulesOf([profile({ chargingProfileKind: 'Relative' })]).map((e) => e.rule)).toEqual(['startSchedule.absentForRelative']);
  });

  it('refuses two profiles with one id or in one (connector, purpose, stackLevel) slot', () => {
    expect(rulesOf([profile(), profile({ stackLevel: 2 })]).map((e) => e.rule)).toEqual(['chargingProfileId.unique']);
    expect(rulesOf([profile(), profile({ chargingProfileId: 11 })]).map((e) => e.rule)).toEqual(['stackLevel.uniquePerPurposeAndConnector']);
  });

  it('answers schema errors with the path of the field', () => {
    const bad = { connectorId: 1, csChargingProfiles: { ...profile().csChargingProfiles, chargingProfilePurpose: 'Cheap' } };
    expect(rulesOf([bad])).toEqual([{ field: 'profiles[0].csChargingProfiles.chargingProfilePurpose', rule: 'schema' }]);
    expect(rulesOf({})).toEqual([{ field: 'profiles', rule: 'type' }]);
  });
});

describe('checkAgainstCharger', () => {
  const limits = limitsOf({ ChargeProfileMaxStackLevel: '8', ChargingScheduleAllowedChargingRateUnit: 'Current', ChargingScheduleMaxPeriods: '2' });
  const field = (f: string): string => `profiles[0].${f}`;

  it('holds the profile to the stack level, unit and number of periods the charger reports', () => {
    const p = profile({
      stackLevel: 9,
      chargingSchedule: {
        startSchedule: '2026-01-01T00:00:00Z',
        chargingRateUnit: 'W',
        chargingSchedulePeriod: [0, 60, 120].map((startPeriod) => ({ startPeriod, limit: 7000 })),
      },
    });
    expect(checkAgainstCharger(p, limits, field, 'charger ZAP1').map(({ field: f, rule }) => ({ f, rule }))).toEqual([
      { f: 'profiles[0].csChargingProfiles.stackLevel', rule: 'stackLevel.max' },
      { f: 'profiles[0].csChargingProfiles.chargingSchedule.chargingRateUnit', rule: 'chargingRateUnit.allowed' },
      { f: 'profiles[0].csChargingProfiles.chargingSchedule.chargingSchedulePeriod', rule: 'chargingSchedulePeriod.maxPeriods' },
    ]);
    expect(checkAgainstCharger(profile({ stackLevel: 8 }), limits, field, 'charger ZAP1')).toEqual([]);
  });

  it('leaves a rule to the charger while it has not reported the key', () => {
    expect(checkAgainstCharger(profile({ stackLevel: 99 }), limitsOf({}), field, 'charger ZAP1')).toEqual([]);
  });
});
