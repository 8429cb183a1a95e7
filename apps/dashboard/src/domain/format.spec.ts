import { formatAgo, formatEnergy, formatPower, formatTime } from './format.js';

describe('format', () => {
  it('writes power, energy and times for an operator', () => {
    expect([formatPower(7200), formatPower(950), formatPower(null)]).toEqual(['7.2 kW', '950 W', '—']);
    expect([formatEnergy(12345), formatEnergy(500)]).toEqual(['12.35 kWh', '500 Wh']);
    expect(formatTime('2026-11-26T10:00:00.123Z')).toBe('2026-11-26 10:00:00Z');
    const now = new Date('2026-11-26T10:05:00Z');
    expect([formatAgo('2026-11-26T10:04:50Z', now), formatAgo('2026-11-26T09:05:00Z', now), formatAgo(null, now)]).toEqual(['10 s ago', '1 h ago', '—']);
  });
});
