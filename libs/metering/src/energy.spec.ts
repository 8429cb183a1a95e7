import { computeEnergy, INT32_MAX } from './energy.js';

const H = 3_600_000;
const base = { startedAt: 0, stoppedAt: H, registers: [] as Array<{ at: number; wh: number }> };

describe('computeEnergy (register sanity)', () => {
  it('is meterStop - meterStart when plausible', () => {
    expect(computeEnergy({ ...base, meterStart: 1000, meterStop: 8000 })).toEqual({ energyWh: 7000, anomaly: null });
  });
  it('uses the registers (last - first) when meterStart is at 2^31-1', () => {
    const r = computeEnergy({
      ...base,
      meterStart: INT32_MAX,
      meterStop: 4296950000,
      registers: [
        { at: 0, wh: 4296940000 },
        { at: H, wh: 4296950000 },
      ],
    });
    expect(r).toEqual({ energyWh: 10000, anomaly: 'meter-start-out-of-range,meter-stop-out-of-range,energy-above-max-power,meter-start-below-register' });
  });
  it('flags energy above 22 kW over the elapsed time and has none without registers', () => {
    expect(computeEnergy({ ...base, meterStart: 0, meterStop: 30_000 })).toEqual({ energyWh: null, anomaly: 'energy-above-max-power' });
  });
  it('flags a meterStop below its own register readings', () => {
    const r = computeEnergy({
      ...base,
      meterStart: 0,
      meterStop: 100,
      registers: [
        { at: 0, wh: 0 },
        { at: H / 2, wh: 5000 },
      ],
    });
    expect(r).toEqual({ energyWh: 5000, anomaly: 'meter-stop-below-register' });
  });
  it('flags a meterStart far below the first register reading', () => {
    const r = computeEnergy({
      ...base,
      meterStart: 0,
      meterStop: 100_000,
      stoppedAt: 10 * H,
      registers: [
        { at: 60_000, wh: 90_000 },
        { at: 9 * H, wh: 99_000 },
      ],
    });
    expect(r.anomaly).toBe('meter-start-below-register');
    expect(r.energyWh).toBe(9000);
  });
  it('flags negative energy', () => {
    expect(computeEnergy({ ...base, meterStart: 500, meterStop: 100 })).toEqual({ energyWh: null, anomaly: 'negative-energy' });
  });
});
