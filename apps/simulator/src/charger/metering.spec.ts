import { combinedEntry, drawnPowerW, EagerSampleRule, perMeasurandEntries, powerAt, thinTransactionData, type MeterValue } from './metering.js';

function entries(n: number): Array<MeterValue & { i: number }> {
  // index 0 = Transaction.Begin, last = Transaction.End, the rest Sample.Periodic
  return Array.from({ length: n }, (_, i) => {
    const context = i === 0 ? 'Transaction.Begin' : i === n - 1 ? 'Transaction.End' : 'Sample.Periodic';
    const e = combinedEntry(['Energy.Active.Import.Register'], { at: i * 1000, energyWh: i, powerW: 0, phases: 3, offeredA: 32 }, context);
    return { ...e, i };
  });
}
const idx = (l: Array<{ i: number }>): number[] => l.map((e) => e.i);

describe('StopTransaction thinning (Go 2, StopTransactionMaxMeterValues)', () => {
  it('keeps everything within the cap', () => {
    expect(idx(thinTransactionData(entries(5), 5))).toEqual([0, 1, 2, 3, 4]);
  });

  it('drops the first non-Begin entry first, then every other one, stopping once within the cap', () => {
    expect(idx(thinTransactionData(entries(6), 5))).toEqual([0, 2, 3, 4, 5]);
    expect(idx(thinTransactionData(entries(8), 6))).toEqual([0, 2, 4, 5, 6, 7]);
    expect(idx(thinTransactionData(entries(10), 6))).toEqual([0, 2, 4, 6, 8, 9]);
  });

  it('starts a second pass when one is not enough and never drops Transaction.End', () => {
    // pass 1 on 0..9: drops 1,3,5,7 (9 is End) -> 0,2,4,6,8,9 ; pass 2: drops 2 then 6 -> 0,4,8,9
    expect(idx(thinTransactionData(entries(10), 4))).toEqual([0, 4, 8, 9]);
    expect(idx(thinTransactionData(entries(10), 2))).toEqual([0, 9]);
    expect(idx(thinTransactionData(entries(10), 1))).toEqual([0, 9]);
  });

  it('without a Begin entry the first entry is the first one dropped', () => {
    const list = entries(6).slice(1); // 1..5, 5 = End
    expect(idx(thinTransactionData(list, 3))).toEqual([2, 4, 5]);
  });

  it('cap 0 sends no transactionData', () => {
    expect(thinTransactionData(entries(4), 0)).toEqual([]);
  });
});

describe('eager sample rule', () => {
  it('fires only when power moved by more than the delta since the last sent sample', () => {
    // Zaptec's guide example (docs/reference/zaptec-facts.md#poweractiveimportdeltaforeagermetervaluesample): delta
    // 200, last sample 300 W -> fires above 500 or below 100.
    const r = new EagerSampleRule(300);
    expect(r.shouldSend(500, 200)).toBe(false);
    expect(r.shouldSend(100, 200)).toBe(false);
    expect(r.shouldSend(501, 200)).toBe(true);
    expect(r.shouldSend(99, 200)).toBe(true);
    r.markSent(501);
    expect(r.shouldSend(600, 200)).toBe(false);
  });

  it('0 disables it', () => {
    expect(new EagerSampleRule(0).shouldSend(22_000, 0)).toBe(false);
  });
});

describe('power curve', () => {
  it('is a step function', () => {
    const c = [
      { atSecond: 0, powerW: 1000 },
      { atSecond: 60, powerW: 5000 },
    ];
    expect([powerAt(c, 0), powerAt(c, 59.9), powerAt(c, 60), powerAt(c, 1e6)]).toEqual([1000, 1000, 5000, 5000]);
  });
});

describe('what the car draws under a charging profile', () => {
  const threePhase16 = { phases: 3 as const, maxCurrentA: 16 };
  const onePhase32 = { phases: 1 as const, maxCurrentA: 32 };

  it('the limit in force caps it, per phase', () => {
    expect(drawnPowerW(22_080, 10, threePhase16, 32)).toBe(10 * 230 * 3);
    expect(drawnPowerW(22_080, 10, onePhase32, 32)).toBe(10 * 230);
  });

  it("the car's own maximum and the charger's cap it without a limit", () => {
    expect(drawnPowerW(22_080, undefined, threePhase16, 32)).toBe(16 * 230 * 3);
    expect(drawnPowerW(22_080, 40, { phases: 3, maxCurrentA: 63 }, 32)).toBe(32 * 230 * 3);
  });

  it('a car asking less than the limit draws what it asks', () => {
    expect(drawnPowerW(2_000, 16, threePhase16, 32)).toBe(2_000);
  });

  it('below 6 A the car stops: 0 W, and 0 A in the readings', () => {
    expect(drawnPowerW(22_080, 5.9, threePhase16, 32)).toBe(0);
    expect(drawnPowerW(22_080, 0, threePhase16, 32)).toBe(0);
    expect(drawnPowerW(22_080, 6, threePhase16, 32)).toBe(6 * 230 * 3);
    const [current] = perMeasurandEntries(['Current.Import'], { at: 0, energyWh: 0, powerW: 0, phases: 3, offeredA: 0 }, 'Sample.Periodic');
    expect(current!.sampledValue.map((v) => v.value)).toEqual(['0.00', '0.00', '0.00']);
  });

  it('Current.Import follows the drawn power on the phases the car uses', () => {
    const powerW = drawnPowerW(22_080, 6.4, threePhase16, 32);
    const [current] = perMeasurandEntries(['Current.Import'], { at: 0, energyWh: 0, powerW, phases: 3, offeredA: 6.4 }, 'Sample.Periodic');
    expect(current!.sampledValue.map((v) => [v.phase, v.value])).toEqual([
      ['L1', '6.40'],
      ['L2', '6.40'],
      ['L3', '6.40'],
    ]);
  });
});
