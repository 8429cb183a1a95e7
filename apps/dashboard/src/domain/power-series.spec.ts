import { PowerSeries } from './power-series.js';

describe('power series', () => {
  it('lines connectors up on one time axis, ignores replays, keeps a bounded window', () => {
    const s = new PowerSeries(3);
    expect(s.add(1, '2026-11-26T10:00:00Z', 7200)).toBe(true);
    expect(s.add(1, '2026-11-26T10:00:00Z', 7200)).toBe(false);
    s.add(2, '2026-11-26T10:00:02Z', 3600);
    s.add(1, '2026-11-26T10:00:01Z', null);
    const t0 = Date.parse('2026-11-26T10:00:00Z') / 1000;
    expect(s.columns()).toEqual([
      [t0, t0 + 1, t0 + 2],
      [7.2, null, null],
      [null, null, 3.6],
    ]);
    s.add(1, '2026-11-26T10:00:04Z', 1000);
    expect(s.size).toBe(3);
    expect(s.columns()[0]).toEqual([t0 + 1, t0 + 2, t0 + 4]);
    expect(s.latest(1)).toEqual({ connectorId: 1, t: t0 + 4, kW: 1 });
    expect(s.add(1, 'not a time', 1)).toBe(false);
  });
});
