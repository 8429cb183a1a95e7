import type { DataSource } from 'typeorm';
import type { CommandReply, CommandRequest } from '#csms/bus';
import { ChargerRegistryService } from '../charger-registry.service.js';
import { IdTagsService } from '../id-tags.service.js';
import { openAuthTestDatabase } from '../test-support/test-database.js';
import { ReservationsService, type ReservationEvent } from './reservations.service.js';
import { ReservationsStore } from './reservations.store.js';

/** Reservations on real SQL (PGlite, auth's migrations); the charger is a function answering as one would. */
describe('ReservationsService', () => {
  let db: DataSource;
  let close: () => Promise<void>;
  let now = new Date('2030-06-01T12:00:00.000Z');
  const sent: Array<{ chargerId: string; request: CommandRequest }> = [];
  let answer: (request: CommandRequest) => CommandReply = () => ({ status: 'ok', result: { status: 'Accepted' } });
  const events: Array<[ReservationEvent, number]> = [];
  let reservations: ReservationsService;
  let idTags: IdTagsService;
  const inAnHour = '2030-06-01T13:00:00.000Z';

  beforeAll(async () => {
    ({ db, close } = await openAuthTestDatabase());
    reservations = new ReservationsService(
      new ReservationsStore(db),
      {
        send: async (chargerId, request) => {
          sent.push({ chargerId, request });
          return answer(request);
        },
      },
      { reservationTimeoutMs: 1_000 },
      { reservationChanged: (event, r) => events.push([event, r.reservationId]) },
      () => now,
    );
    idTags = new IdTagsService(db, new ChargerRegistryService(db), () => now, undefined, reservations);
    await idTags.create('ALICE', { status: 'Accepted', parentIdTag: 'FLEET' });
    await idTags.create('CAROL', { status: 'Accepted', parentIdTag: 'FLEET' });
    await idTags.create('BOB', { status: 'Accepted' });
  }, 60_000);
  afterAll(() => close());
  beforeEach(() => {
    sent.length = 0;
    events.length = 0;
    answer = () => ({ status: 'ok', result: { status: 'Accepted' } });
  });

  const reserve = (chargerId: string, connectorId = 1, extra: { parentIdTag?: string; expiresAt?: string } = {}) =>
    reservations.create({
      chargerId,
      connectorId,
      idTag: 'ALICE',
      parentIdTag: extra.parentIdTag ?? null,
      expiresAt: extra.expiresAt ?? inAnHour,
      requestedBy: 'api:test',
    });

  it('allocates the reservationId from the sequence, sends ReserveNow with it, and is active once Accepted', async () => {
    const a = await reserve('CP1');
    const b = await reserve('CP2');
    expect(b.reservation.reservationId).toBeGreaterThan(a.reservation.reservationId);
    expect(sent[0]).toEqual({
      chargerId: 'CP1',
      request: expect.objectContaining({
        action: 'ReserveNow',
        payload: { connectorId: 1, expiryDate: inAnHour, idTag: 'ALICE', reservationId: a.reservation.reservationId },
      }),
    });
    expect(a).toMatchObject({ delivery: { status: 'ok', answer: 'Accepted' }, reservation: { status: 'active', reserveStatus: 'Accepted', endedAt: null } });
    expect(events).toEqual([
      ['created', a.reservation.reservationId],
      ['created', b.reservation.reservationId],
    ]);
  });

  it("records a refusal with the charger's answer, and a reservation the charger never got as failed", async () => {
    answer = () => ({ status: 'ok', result: { status: 'Occupied' } });
    expect((await reserve('CP3')).reservation).toMatchObject({ status: 'refused', reserveStatus: 'Occupied' });
    answer = () => ({ status: 'not-connected' });
    const lost = await reserve('CP3');
    expect(lost).toMatchObject({ delivery: { status: 'not-connected' }, reservation: { status: 'failed', reserveStatus: null } });
    expect((await reservations.list({ chargerId: 'CP3', status: 'active', limit: 10, offset: 0 })).total).toBe(0);
  });

  it('a StartTransaction of another idTag on the reserved connector is Invalid; the reserved tag uses it', async () => {
    const { reservation } = await reserve('CP4');
    const start = { connectorId: 1, timestamp: '2030-06-01T12:05:00.000Z' };
    expect(await idTags.idTagInfoForStart('CP4', 'BOB', start)).toEqual({ idTagInfo: { status: 'Invalid' }, free: false });
    expect(await idTags.idTagInfoForStart('CP4', 'BOB', { ...start, connectorId: 2 })).toEqual({ idTagInfo: { status: 'Accepted' }, free: false });
    expect((await reservations.get(reservation.reservationId))?.status).toBe('active');
    expect(await idTags.idTagInfoForStart('CP4', 'ALICE', { ...start, reservationId: reservation.reservationId })).toEqual({
      idTagInfo: { status: 'Accepted', parentIdTag: 'FLEET' },
      free: false,
      reservationId: reservation.reservationId,
    });
    expect(await reservations.linkTransaction(reservation.reservationId, 42)).toMatchObject({ status: 'used', transactionId: 42, endedAt: expect.any(String) });
    // Used: the connector is free for anyone again.
    expect(await idTags.idTagInfoForStart('CP4', 'BOB', start)).toEqual({ idTagInfo: { status: 'Accepted' }, free: false });
  });

  it('a tag sharing the parentIdTag uses the reservation without naming it', async () => {
    const { reservation } = await reserve('CP5', 1, { parentIdTag: 'FLEET' });
    const verdict = await idTags.idTagInfoForStart('CP5', 'CAROL', { connectorId: 1, timestamp: '2030-06-01T12:05:00.000Z' });
    expect(verdict.reservationId).toBe(reservation.reservationId);
    expect((await reservations.get(reservation.reservationId))?.status).toBe('used');
  });

  it('expires at expiresAt: on read and in the sweep, once; then it refuses nobody', async () => {
    const { reservation } = await reserve('CP6', 1, { expiresAt: '2030-06-01T12:10:00.000Z' });
    expect(await reservations.expire()).toEqual([]);
    now = new Date('2030-06-01T12:10:00.000Z');
    expect(await reservations.get(reservation.reservationId)).toMatchObject({ status: 'expired', endedAt: '2030-06-01T12:10:00.000Z' });
    expect(await reservations.expire()).toEqual([]);
    expect(events).toContainEqual(['expired', reservation.reservationId]);
    expect(await idTags.idTagInfoForStart('CP6', 'BOB', { connectorId: 1, timestamp: now.toISOString() })).toEqual({
      idTagInfo: { status: 'Accepted' },
      free: false,
    });
    // A start queued offline while it still stood, naming it, still uses it.
    const queued = await idTags.idTagInfoForStart('CP6', 'ALICE', {
      connectorId: 1,
      timestamp: '2030-06-01T12:09:00.000Z',
      reservationId: reservation.reservationId,
    });
    expect(queued.reservationId).toBe(reservation.reservationId);
    now = new Date('2030-06-01T12:00:00.000Z');
  });

  it('cancels with CancelReservation; Rejected ends it too; an ended one is not sent again', async () => {
    const { reservation } = await reserve('CP7');
    const out = await reservations.cancel(reservation.reservationId, 'api:test');
    expect(sent.at(-1)?.request).toMatchObject({ action: 'CancelReservation', payload: { reservationId: reservation.reservationId } });
    expect(out).toMatchObject({ kind: 'sent', reservation: { status: 'cancelled', cancelStatus: 'Accepted' } });
    expect(await reservations.cancel(reservation.reservationId)).toMatchObject({ kind: 'not-active', reservation: { status: 'cancelled' } });
    expect(await reservations.cancel(999_999)).toEqual({ kind: 'not-found' });
    const second = await reserve('CP7');
    answer = () => ({ status: 'ok', result: { status: 'Rejected' } });
    expect(await reservations.cancel(second.reservation.reservationId)).toMatchObject({ reservation: { status: 'cancelled', cancelStatus: 'Rejected' } });
    answer = () => ({ status: 'ok', result: { status: 'Accepted' } });
    const third = await reserve('CP7', 1);
    answer = () => ({ status: 'not-connected' });
    expect(await reservations.cancel(third.reservation.reservationId)).toMatchObject({
      kind: 'sent',
      delivery: { status: 'not-connected' },
      reservation: { status: 'active' },
    });
  });
});
