/**
 * The reservation store on real PostgreSQL (the unit specs run it on PGlite): auth's migrations, the reservationId
 * sequence across two connections, the StartTransaction lookup and expiry.
 */
import { describeInfra, twoReplicaDatabasesForSuite } from '#csms/testing';
import { AUTH_MIGRATIONS } from '../migrations/index.js';
import { ReservationsStore } from './reservations.store.js';

describeInfra('auth reservations on PostgreSQL', () => {
  const replicas = twoReplicaDatabasesForSuite({ migrations: AUTH_MIGRATIONS });

  it('hands out distinct reservationIds from two connections, finds them for a start, and expires them once', async () => {
    const { a, b } = replicas;
    const input = { chargerId: 'CP1', connectorId: 1, idTag: 'ALICE', parentIdTag: null, expiresAt: '2030-06-01T12:10:00.000Z', requestedBy: null };
    const made = await Promise.all([...Array(10)].map((_, i) => new ReservationsStore(i % 2 ? a : b).insert(input)));
    expect(new Set(made.map((r) => r.reservationId)).size).toBe(10);
    const store = new ReservationsStore(a);
    expect(await store.transition(made[0].reservationId, ['pending'], 'active', { reserveStatus: 'Accepted' })).toMatchObject({
      status: 'active',
      endedAt: null,
    });
    expect((await store.candidates('CP1', new Date('2030-06-01T12:00:00.000Z'))).length).toBe(10);
    expect(await store.candidates('CP1', new Date('2030-06-01T12:10:00.000Z'))).toEqual([]);
    expect((await store.expireDue(new Date('2030-06-01T12:10:00.000Z'))).length).toBe(10);
    expect(await store.expireDue(new Date('2030-06-01T12:10:00.000Z'))).toEqual([]);
    expect(await store.list({ chargerId: 'CP1', status: 'expired', limit: 5, offset: 0 })).toMatchObject({ total: 10, limit: 5 });
  });
});
