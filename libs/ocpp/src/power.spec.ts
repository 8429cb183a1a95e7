import { powerWatts } from './power.js';

describe('powerWatts', () => {
  it('takes the overall value, in W (kW scaled)', () => {
    expect(
      powerWatts([
        { measurand: 'Power.Active.Import', value: 7.2, unit: 'kW' },
        { measurand: 'Power.Active.Import', phase: 'L1', value: 1, unit: 'kW' },
      ]),
    ).toBe(7200);
    expect(powerWatts([{ measurand: 'Power.Active.Import', phase: null, value: 500, unit: 'W' }])).toBe(500);
  });
  it('else sums the phases (L1..L3 or L1-N..L3-N), ignoring other phases and other measurands', () => {
    expect(powerWatts(['L1', 'L2', 'L3'].map((phase) => ({ measurand: 'Power.Active.Import', phase, value: 1000, unit: 'W' })))).toBe(3000);
    expect(
      powerWatts([
        { measurand: 'Power.Active.Import', phase: 'L1-N', value: 1, unit: 'kW' },
        { measurand: 'Power.Active.Import', phase: 'N', value: 5, unit: 'W' },
      ]),
    ).toBe(1000);
    expect(powerWatts([{ measurand: 'Energy.Active.Import.Register', value: 9, unit: 'Wh' }])).toBeNull();
  });
  it('has none without a power value', () => {
    expect(powerWatts([{ measurand: 'Power.Active.Import', value: null, unit: 'W' }])).toBeNull();
    expect(powerWatts([])).toBeNull();
  });
});
