import { currentImport, fallbackProfile, transactionProfile } from './profiles.js';

const sv = (value: string, extra: Record<string, string> = {}) => ({ value, measurand: 'Current.Import' as const, unit: 'A' as const, ...extra });

describe('Current.Import of a MeterValues', () => {
  test('per phase from the newest entry that has it; L1-N counts as L1', () => {
    const r = currentImport([
      { timestamp: '2026-11-26T10:00:10Z', sampledValue: [sv('6.4', { phase: 'L1-N' }), sv('6.3', { phase: 'L2-N' }), sv('6.2', { phase: 'L3-N' })] },
      { timestamp: '2026-11-26T10:00:00Z', sampledValue: [sv('16', { phase: 'L1' })] },
      { timestamp: '2026-11-26T10:00:20Z', sampledValue: [{ value: '1000', measurand: 'Power.Active.Import' as const, unit: 'W' as const }] },
    ]);
    expect(r).toEqual({ phases: { L1: 6.4, L2: 6.3, L3: 6.2 }, at: '2026-11-26T10:00:10.000Z' });
  });

  test('a value without a phase is every phase; other measurands, signed data and text are not currents', () => {
    expect(currentImport([{ timestamp: '2026-11-26T10:00:00Z', sampledValue: [sv('8')] }])?.phases).toEqual({ L1: 8, L2: 8, L3: 8 });
    expect(
      currentImport([
        {
          timestamp: '2026-11-26T10:00:00Z',
          sampledValue: [sv('x'), { ...sv('9'), format: 'SignedData' as const }, { value: '12', measurand: 'Current.Offered' as const, unit: 'A' as const }],
        },
      ]),
    ).toBeUndefined();
  });
});

describe('the profiles sent', () => {
  test('fallback: TxDefaultProfile on connector 0; share: TxProfile of the transaction; both Relative, in A, one period from 0', () => {
    expect(fallbackProfile(5)).toEqual({
      connectorId: 0,
      csChargingProfiles: {
        chargingProfileId: 900_000_000,
        stackLevel: 8,
        chargingProfilePurpose: 'TxDefaultProfile',
        chargingProfileKind: 'Relative',
        chargingSchedule: { chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 5 }] },
      },
    });
    expect(transactionProfile(1, 4711, 6.4).csChargingProfiles).toMatchObject({
      chargingProfileId: 900_000_001,
      transactionId: 4711,
      chargingProfilePurpose: 'TxProfile',
      chargingSchedule: { chargingSchedulePeriod: [{ startPeriod: 0, limit: 6.4 }] },
    });
  });
});
