import type { ChargerRow } from './api-types.js';
import { ranked, summaryFromChargers } from './fleet-summary.js';

const row = (over: Partial<ChargerRow> = {}): ChargerRow => ({
  id: 'ZAP1',
  connected: false,
  model: 'zaptec-go',
  firmwareVersion: '2.4.2.4',
  lastSeen: null,
  connectorStatus: {},
  drift: null,
  ...over,
});
const at = '2026-11-26T10:00:00.000Z';

describe('fleet summary from the charger list', () => {
  it('counts models, firmware and connector statuses; exact totals win over the rows', () => {
    const rows = [
      row({ id: 'A', connected: true, connectorStatus: { '1': 'Charging' } }),
      row({ id: 'B', model: 'zaptec-pro', firmwareVersion: null, connectorStatus: { '1': 'Available', '2': 'Charging' } }),
    ];
    const all = summaryFromChargers(rows, { total: 2, activeTransactions: 1 }, new Date(at));
    expect(all).toMatchObject({
      at,
      chargers: { total: 2, connected: 1, disconnected: 1 },
      byModel: { 'zaptec-go': 1, 'zaptec-pro': 1 },
      byFirmware: { 'zaptec-go 2.4.2.4': 1 },
      connectorStatus: { Charging: 2, Available: 1 },
      transactions: { active: 1 },
      computed: { fromChargers: 2, ofTotal: 2 },
    });
    expect(all.configuration).toBeUndefined();
    expect(summaryFromChargers(rows, { total: 5000, connected: 4000 }, new Date(at)).chargers).toEqual({ total: 5000, connected: 4000, disconnected: 1000 });
    expect(ranked({ b: 1, a: 1, c: 3 })).toEqual([
      ['c', 3],
      ['a', 1],
      ['b', 1],
    ]);
  });
});
