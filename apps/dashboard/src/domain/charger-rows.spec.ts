import type { ChargerRow, LiveEvent } from './api-types.js';
import { applyEvent, eventTouchesFilter, toPage, toRow } from './charger-rows.js';

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

describe('charger rows', () => {
  it('read the compact view and the full view alike', () => {
    const compact = toRow({
      id: 'A',
      connected: true,
      model: 'zaptec-go2',
      firmwareVersion: '3.1',
      lastSeen: at,
      connectorStatus: { '1': 'Charging' },
      drift: true,
    });
    const full = toRow({
      id: 'A',
      connected: true,
      model: 'zaptec-go2',
      boot: { firmwareVersion: '3.1' },
      lastSeen: at,
      connectors: [{ connectorId: 1, status: 'Charging' }],
    });
    expect(compact).toEqual({
      id: 'A',
      connected: true,
      model: 'zaptec-go2',
      firmwareVersion: '3.1',
      lastSeen: at,
      connectorStatus: { '1': 'Charging' },
      drift: true,
    });
    expect(full).toEqual({ ...compact, drift: null });
  });

  it('page by cursor per the contract, by offset on an older server', () => {
    expect(toPage({ items: [{ id: 'A' }], total: 3, nextCursor: 'c2' }).next).toEqual({ cursor: 'c2' });
    expect(toPage({ items: [{ id: 'A' }], total: 1, nextCursor: null }).next).toBeNull();
    expect(toPage({ items: [{ id: 'A' }, { id: 'B' }], total: 5, offset: 2, limit: 2 }).next).toEqual({ offset: 4 });
    expect(toPage({ items: [{ id: 'A' }], total: 3, offset: 2, limit: 2 }).next).toBeNull();
  });

  it('change with the events that concern them', () => {
    const ev = (e: Omit<LiveEvent, 'id'>): LiveEvent => ({ id: '1', ...e }) as LiveEvent;
    const connected = applyEvent(row(), ev({ type: 'charger.connected', data: { chargerId: 'ZAP1', at, gatewayId: 'gw', remoteAddress: null } }));
    expect(connected).toMatchObject({ connected: true, lastSeen: at });
    const charging = applyEvent(
      connected,
      ev({ type: 'connector.status', data: { chargerId: 'ZAP1', at, connectorId: 2, status: 'Charging', errorCode: 'NoError' } }),
    );
    expect(charging.connectorStatus).toEqual({ '2': 'Charging' });
    expect(
      applyEvent(charging, ev({ type: 'configuration', data: { chargerId: 'ZAP1', at, key: 'K', value: 'v', outcome: 'Rejected', inSync: false } })).drift,
    ).toBe(true);
    const power = ev({ type: 'power', data: { chargerId: 'ZAP1', at, connectorId: 1, powerW: 5, transactionId: 1 } });
    expect(applyEvent(charging, power)).toBe(charging);
    expect(
      eventTouchesFilter(ev({ type: 'charger.disconnected', data: { chargerId: 'ZAP1', at, gatewayId: 'gw', code: 1006, reason: '' } }), { connected: true }),
    ).toBe(true);
    expect(eventTouchesFilter(power, { connected: true, status: 'Charging' })).toBe(false);
  });
});
