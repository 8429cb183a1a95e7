import { describe, expect, it } from '@jest/globals';
import { ChargingProfiles } from './charging-profiles.js';

const NOW = Date.parse('2026-03-02T10:00:00Z');

describe('ChargingProfiles.composite', () => {
  it('reports each change of the limit in the window, capped by the charge point maximum', () => {
    const p = new ChargingProfiles();
    const schedule = (periods: Array<[number, number]>) => ({
      startSchedule: '2026-03-02T09:00:00Z',
      chargingRateUnit: 'A',
      chargingSchedulePeriod: periods.map(([startPeriod, limit]) => ({ startPeriod, limit })),
    });
    p.set(
      0,
      {
        chargingProfileId: 1,
        stackLevel: 0,
        chargingProfilePurpose: 'ChargePointMaxProfile',
        chargingProfileKind: 'Absolute',
        chargingSchedule: schedule([[0, 20]]),
      },
      NOW,
      false,
    );
    const tx = schedule([
      [0, 25],
      [3600, 16],
      [5400, 10],
    ]);
    p.set(
      1,
      { chargingProfileId: 2, stackLevel: 1, chargingProfilePurpose: 'TxDefaultProfile', chargingProfileKind: 'Absolute', chargingSchedule: tx },
      NOW,
      false,
    );
    expect(p.composite(NOW, 7200, 3, false, 'A')).toEqual([
      { startPeriod: 0, limit: 16 },
      { startPeriod: 1800, limit: 10 },
    ]);
    expect(p.composite(NOW, 600, 3, false, 'W')).toEqual([{ startPeriod: 0, limit: 11040 }]);
  });

  it('has nothing to report after a reboot dropped the profiles', () => {
    const p = new ChargingProfiles();
    const s = { startSchedule: '2026-03-02T09:00:00Z', chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 6 }] };
    p.set(
      1,
      { chargingProfileId: 3, stackLevel: 0, chargingProfilePurpose: 'TxDefaultProfile', chargingProfileKind: 'Absolute', chargingSchedule: s },
      NOW,
      false,
    );
    p.clearAll();
    expect(p.composite(NOW, 600, 3, false, 'A')).toBeUndefined();
  });
});
