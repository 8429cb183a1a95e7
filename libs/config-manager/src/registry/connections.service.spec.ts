import { sqlOf } from '#csms/persistence';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { ConnectionEvent, DurableMessage } from '#csms/bus';
import { openTestDatabase, type TestDatabase } from '../test-support/database.js';
import { ConnectionsService } from './connections.service.js';

let seq = 0;
function evt(chargerId: string, state: ConnectionEvent['state'], sessionId: string, at: string, gatewayId = 'gw-1'): DurableMessage<ConnectionEvent> {
  seq += 1;
  return {
    subject: `ocpp.v16.conn.${chargerId}`,
    seq,
    deliveryCount: 1,
    data: { chargerId, state, sessionId, gatewayId, at, remoteAddress: `10.0.0.${seq % 250}`, ...(state === 'disconnected' ? { code: 1006, reason: '' } : {}) },
  };
}

interface ConnRow {
  connected: boolean;
  session_id: string | null;
  gateway_id: string | null;
  connected_at: Date | null;
  disconnected_at: Date | null;
  last_seen: Date | null;
  model: string;
}
const iso = (d: Date | null): string | null => (d === null ? null : new Date(d).toISOString());

describe('ConnectionsService', () => {
  let t: TestDatabase;
  let svc: ConnectionsService;
  const row = async (id: string): Promise<ConnRow | undefined> =>
    ((await sqlOf(t.db).query(`SELECT * FROM config_chargers WHERE charger_id = $1`, [id])) as ConnRow[])[0];

  beforeAll(async () => {
    t = await openTestDatabase();
    svc = new ConnectionsService(t.db, { warn: () => undefined });
  }, 60_000);
  afterAll(async () => t.close());
  beforeEach(async () => t.reset());

  it('creates a charger on its first connection, with the model its identity suggests', async () => {
    await svc.applyConnectionEvents([evt('ZPR000001', 'connected', 's1', '2025-11-25T10:00:00.000Z')]);
    const r = await row('ZPR000001');
    expect(r).toMatchObject({ connected: true, session_id: 's1', gateway_id: 'gw-1', model: 'zaptec-pro' });
    expect(iso(r?.connected_at ?? null)).toBe('2025-11-25T10:00:00.000Z');
  });

  it('marks the current session disconnected', async () => {
    await svc.applyConnectionEvents([evt('CP1', 'connected', 's1', '2025-11-25T10:00:00.000Z')]);
    await svc.applyConnectionEvents([evt('CP1', 'disconnected', 's1', '2025-11-25T10:05:00.000Z')]);
    const r = await row('CP1');
    expect(r).toMatchObject({ connected: false, session_id: 's1' });
    expect(iso(r?.disconnected_at ?? null)).toBe('2025-11-25T10:05:00.000Z');
  });

  it('keeps the newest session when the old session disconnects after the reconnect (another gateway)', async () => {
    await svc.applyConnectionEvents([evt('CP2', 'connected', 'old', '2025-11-25T10:00:00.000Z', 'gw-a')]);
    await svc.applyConnectionEvents([evt('CP2', 'connected', 'new', '2025-11-25T10:10:00.000Z', 'gw-b')]);
    await svc.applyConnectionEvents([evt('CP2', 'disconnected', 'old', '2025-11-25T10:10:01.000Z', 'gw-a')]);
    expect(await row('CP2')).toMatchObject({ connected: true, session_id: 'new', gateway_id: 'gw-b' });
  });

  it('orders a batch by event time: an out-of-order disconnect of the older session changes nothing', async () => {
    // Arrival order differs from event order, as when two gateways publish.
    await svc.applyConnectionEvents([
      evt('CP3', 'disconnected', 'old', '2025-11-25T10:10:01.000Z', 'gw-a'),
      evt('CP3', 'connected', 'new', '2025-11-25T10:10:00.000Z', 'gw-b'),
      evt('CP3', 'connected', 'old', '2025-11-25T10:00:00.000Z', 'gw-a'),
    ]);
    expect(await row('CP3')).toMatchObject({ connected: true, session_id: 'new', gateway_id: 'gw-b' });
  });

  it('ignores events older than the state across batches (late connect of an old session)', async () => {
    await svc.applyConnectionEvents([evt('CP4', 'connected', 'new', '2025-11-25T10:10:00.000Z')]);
    await svc.applyConnectionEvents([evt('CP4', 'connected', 'old', '2025-11-25T10:00:00.000Z')]);
    await svc.applyConnectionEvents([evt('CP4', 'disconnected', 'old', '2025-11-25T10:00:05.000Z')]);
    expect(await row('CP4')).toMatchObject({ connected: true, session_id: 'new' });
  });

  it('is idempotent: a redelivered batch leaves the same state', async () => {
    const batch = [evt('CP5', 'connected', 's1', '2025-11-25T10:00:00.000Z'), evt('CP5', 'disconnected', 's1', '2025-11-25T10:01:00.000Z')];
    await svc.applyConnectionEvents(batch);
    const first = await row('CP5');
    await svc.applyConnectionEvents(batch.map((m) => ({ ...m, deliveryCount: 2 })));
    expect(await row('CP5')).toEqual(first);
    expect(first).toMatchObject({ connected: false, session_id: 's1' });
  });

  it('handles many chargers in one batch', async () => {
    const batch = Array.from({ length: 50 }, (_, i) => evt(`BULK-${i}`, 'connected', `s${i}`, '2025-11-25T10:00:00.000Z'));
    await svc.applyConnectionEvents(batch);
    const n: Array<{ n: number }> = await sqlOf(t.db).query(`SELECT count(*)::int AS n FROM config_chargers WHERE connected`);
    expect(n[0].n).toBe(50);
  });

  it('records last_seen from seen batches, never backwards, skipping unknown chargers', async () => {
    await svc.applyConnectionEvents([
      evt('SEEN-1', 'connected', 's1', '2025-11-25T10:00:00.000Z'),
      evt('SEEN-2', 'connected', 's2', '2025-11-25T10:00:00.000Z'),
    ]);
    await svc.applySeen({
      gatewayId: 'gw-1',
      seen: { 'SEEN-1': '2025-11-25T10:02:00.000Z', 'SEEN-2': '2025-11-25T10:03:00.000Z', NOBODY: '2025-11-25T10:03:00.000Z' },
    });
    await svc.applySeen({ gatewayId: 'gw-2', seen: { 'SEEN-1': '2025-11-25T10:01:00.000Z' } });
    expect(iso((await row('SEEN-1'))?.last_seen ?? null)).toBe('2025-11-25T10:02:00.000Z');
    expect(iso((await row('SEEN-2'))?.last_seen ?? null)).toBe('2025-11-25T10:03:00.000Z');
    expect(await row('NOBODY')).toBeUndefined();
  });
});
