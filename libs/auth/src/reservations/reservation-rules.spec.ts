import { decideStart, type ReservationFacts } from './reservation-rules.js';

const at = new Date('2030-06-01T12:00:00.000Z');
const later = new Date('2030-06-01T13:00:00.000Z');
const r = (over: Partial<ReservationFacts> = {}): ReservationFacts => ({
  reservationId: 7,
  connectorId: 1,
  idTag: 'ALICE',
  parentIdTag: null,
  state: 'active',
  expiresAt: later,
  ...over,
});

describe('decideStart (OCPP 1.6 §5.13 applied to StartTransaction)', () => {
  it('consumes the reservation the start names by reservationId, even one we recorded as expired or failed', () => {
    expect(decideStart([r()], { connectorId: 1, idTag: 'ALICE', reservationId: 7, at })).toEqual({ kind: 'consume', reservationId: 7 });
    expect(decideStart([r({ state: 'expired' })], { connectorId: 1, idTag: 'ALICE', reservationId: 7, at })).toEqual({ kind: 'consume', reservationId: 7 });
    expect(decideStart([r({ state: 'failed' })], { connectorId: 2, idTag: 'BOB', reservationId: 7, at })).toEqual({ kind: 'consume', reservationId: 7 });
  });

  it('consumes a reservation of the connector for the same idTag, in any letter case, without reservationId', () => {
    expect(decideStart([r()], { connectorId: 1, idTag: 'alice', at })).toEqual({ kind: 'consume', reservationId: 7 });
  });

  it("consumes for another idTag sharing the reservation's parentIdTag", () => {
    const group = r({ parentIdTag: 'FLEET' });
    expect(decideStart([group], { connectorId: 1, idTag: 'CAROL', parentIdTag: 'fleet', at })).toEqual({ kind: 'consume', reservationId: 7 });
    expect(decideStart([r()], { connectorId: 1, idTag: 'CAROL', parentIdTag: null, at })).toEqual({ kind: 'refuse', reservationId: 7 });
  });

  it('refuses another idTag on the reserved connector, and leaves other connectors alone', () => {
    expect(decideStart([r()], { connectorId: 1, idTag: 'BOB', at })).toEqual({ kind: 'refuse', reservationId: 7 });
    expect(decideStart([r()], { connectorId: 2, idTag: 'BOB', at })).toEqual({ kind: 'none' });
    // A reservationId that is not this charger's does not get past the reserved connector.
    expect(decideStart([r()], { connectorId: 1, idTag: 'BOB', reservationId: 99, at })).toEqual({ kind: 'refuse', reservationId: 7 });
  });

  it('a connector-0 reservation is used on any connector by its idTag and refuses nobody', () => {
    const anyConnector = r({ connectorId: 0 });
    expect(decideStart([anyConnector], { connectorId: 2, idTag: 'ALICE', at })).toEqual({ kind: 'consume', reservationId: 7 });
    expect(decideStart([anyConnector], { connectorId: 2, idTag: 'BOB', at })).toEqual({ kind: 'none' });
  });

  it('a reservation that had run out at the start time, or was never held, neither consumes nor refuses', () => {
    expect(decideStart([r({ expiresAt: at })], { connectorId: 1, idTag: 'BOB', at })).toEqual({ kind: 'none' });
    expect(decideStart([r({ state: 'expired' })], { connectorId: 1, idTag: 'ALICE', at })).toEqual({ kind: 'none' });
    expect(decideStart([r({ state: 'refused' })], { connectorId: 1, idTag: 'BOB', at })).toEqual({ kind: 'none' });
    expect(decideStart([r({ state: 'used' })], { connectorId: 1, idTag: 'ALICE', reservationId: 7, at })).toEqual({ kind: 'none' });
  });
});
