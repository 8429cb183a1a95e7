import { describe, expect, it } from '@jest/globals';
import { compareComposite, expectedComposite } from './composite.js';
import type { ProfileInput } from './types.js';

const START = new Date('2026-03-02T10:00:00Z');

const profile = (
  purpose: 'ChargePointMaxProfile' | 'TxDefaultProfile',
  connectorId: number,
  stackLevel: number,
  periods: Array<[number, number]>,
  schedule: { startSchedule?: string; duration?: number; kind?: 'Absolute' | 'Recurring'; recurrencyKind?: 'Daily' } = {},
): ProfileInput => ({
  connectorId,
  csChargingProfiles: {
    chargingProfileId: stackLevel * 10 + connectorId + (purpose === 'ChargePointMaxProfile' ? 100 : 0),
    stackLevel,
    chargingProfilePurpose: purpose,
    chargingProfileKind: schedule.kind ?? 'Absolute',
    ...(schedule.recurrencyKind ? { recurrencyKind: schedule.recurrencyKind } : {}),
    chargingSchedule: {
      startSchedule: schedule.startSchedule ?? '2026-03-02T09:00:00Z',
      ...(schedule.duration !== undefined ? { duration: schedule.duration } : {}),
      chargingRateUnit: 'A',
      chargingSchedulePeriod: periods.map(([startPeriod, limit]) => ({ startPeriod, limit })),
    },
  },
});

describe('expectedComposite', () => {
  it('takes the lower of the charge point maximum and the default, each at its highest stack level', () => {
    const profiles = [
      profile('ChargePointMaxProfile', 0, 0, [[0, 20]]),
      profile('TxDefaultProfile', 0, 0, [[0, 32]]),
      // Started an hour before the window: its 16 A period ends 30 minutes into it.
      profile('TxDefaultProfile', 1, 1, [
        [0, 25],
        [3600, 16],
        [5400, 10],
      ]),
    ];
    expect(expectedComposite(profiles, 1, START, 7200, 'A').periods).toEqual([
      { startPeriod: 0, limit: 16 },
      { startPeriod: 1800, limit: 10 },
    ]);
  });

  it('repeats a Daily profile and leaves out profiles in the other unit', () => {
    const daily = profile(
      'TxDefaultProfile',
      1,
      0,
      [
        [0, 6],
        [3600, 16],
      ],
      { kind: 'Recurring', recurrencyKind: 'Daily', startSchedule: '2026-02-01T10:00:00Z' },
    );
    const watts: ProfileInput = {
      ...daily,
      csChargingProfiles: {
        ...daily.csChargingProfiles,
        chargingProfileId: 99,
        stackLevel: 5,
        chargingSchedule: { ...daily.csChargingProfiles.chargingSchedule, chargingRateUnit: 'W' },
      },
    };
    const out = expectedComposite([daily, watts], 1, START, 86_400 + 7200, 'A');
    expect(out.periods).toEqual([
      { startPeriod: 0, limit: 6 },
      { startPeriod: 3600, limit: 16 },
      { startPeriod: 86_400, limit: 6 },
      { startPeriod: 90_000, limit: 16 },
    ]);
    expect(out.otherUnit).toEqual([99]);
  });
});

describe('compareComposite', () => {
  const expected = [
    { startPeriod: 0, limit: 16 },
    { startPeriod: 1800, limit: 10 },
  ];

  it('is in sync when the charger rounds a change by a second', () => {
    expect(
      compareComposite(
        expected,
        [
          { startPeriod: 0, limit: 16 },
          { startPeriod: 1801, limit: 10 },
        ],
        3600,
      ),
    ).toEqual({ state: 'in-sync', differences: [] });
  });

  it('calls a lower limit "limited further" (another profile, such as a site limit) and a missing one drift', () => {
    expect(compareComposite(expected, [{ startPeriod: 0, limit: 8 }], 3600).state).toBe('limited-further');
    const missing = compareComposite(expected, [], 3600);
    expect(missing).toEqual({
      state: 'drift',
      differences: [
        { from: 0, to: 1800, expected: 16, reported: null },
        { from: 1800, to: 3600, expected: 10, reported: null },
      ],
    });
  });
});
