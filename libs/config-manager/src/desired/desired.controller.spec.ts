import { describe, expect, it } from '@jest/globals';
import type { ConnectionEvent, DurableMessage } from '#csms/bus';
import { connectedIn } from './desired.controller.js';

const ev = (chargerId: string, state: ConnectionEvent['state'], sessionId: string, at: string): DurableMessage<ConnectionEvent> => ({
  subject: `ocpp.v16.conn.${chargerId}`,
  seq: 1,
  deliveryCount: 1,
  data: { chargerId, state, sessionId, gatewayId: 'gw', at },
});

describe('connectedIn: which connections of a batch get a reconciliation, from when', () => {
  const now = Date.parse('2026-11-26T10:00:10.000Z');

  it("takes each connection's own time, not the time the batch is handled", () => {
    expect(connectedIn([ev('A', 'connected', 's1', '2026-11-26T10:00:00.000Z')], now)).toEqual([
      { chargerId: 'A', connectedAt: Date.parse('2026-11-26T10:00:00.000Z') },
    ]);
  });

  it("a superseded socket's disconnection, reported after the new connection, does not cancel it", () => {
    const batch = [ev('A', 'connected', 's2', '2026-11-26T10:00:01.000Z'), ev('A', 'disconnected', 's1', '2026-11-26T10:00:01.500Z')];
    expect(connectedIn(batch, now)).toEqual([{ chargerId: 'A', connectedAt: Date.parse('2026-11-26T10:00:01.000Z') }]);
  });

  it('the newest session disconnected again: nothing to reconcile; reconnected: the newest connection counts', () => {
    expect(connectedIn([ev('A', 'connected', 's1', '2026-11-26T10:00:01.000Z'), ev('A', 'disconnected', 's1', '2026-11-26T10:00:02.000Z')], now)).toEqual([]);
    const batch = [
      ev('B', 'disconnected', 's1', '2026-11-26T10:00:01.000Z'),
      ev('B', 'connected', 's2', '2026-11-26T10:00:02.000Z'),
      ev('B', 'connected', 's0', '2026-11-26T09:59:00.000Z'),
    ];
    expect(connectedIn(batch, now)).toEqual([{ chargerId: 'B', connectedAt: Date.parse('2026-11-26T10:00:02.000Z') }]);
  });

  it('a gateway clock ahead of ours (or an unreadable time) counts as now', () => {
    expect(connectedIn([ev('A', 'connected', 's1', '2026-11-26T10:05:00.000Z'), ev('C', 'connected', 's1', 'garbage')], now)).toEqual([
      { chargerId: 'A', connectedAt: now },
      { chargerId: 'C', connectedAt: now },
    ]);
  });
});
