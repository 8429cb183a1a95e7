/**
 * The reservation rules of OCPP 1.6 §5.13 as the central system applies them to a StartTransaction
 * (docs/reference/protocol-notes.md#reservations). Pure: the store finds the candidates, this decides.
 */

/** How long a ReserveNow or CancelReservation waits for the charger (the API's reply waits a little longer). */
export const DEFAULT_RESERVATION_TIMEOUT_MS = 30_000;

/** pending: ReserveNow sent, no answer yet; refused: the charger answered other than Accepted; failed: no answer. */
export const RESERVATION_STATES = ['pending', 'active', 'refused', 'failed', 'cancelled', 'expired', 'used'] as const;
export type ReservationState = (typeof RESERVATION_STATES)[number];

/** What a reservation holds for the rules. */
export interface ReservationFacts {
  reservationId: number;
  connectorId: number;
  idTag: string;
  parentIdTag: string | null;
  state: ReservationState;
  expiresAt: Date;
}

/** The StartTransaction being decided, with the parent of its idTag as auth knows it. */
export interface StartFacts {
  connectorId: number;
  idTag: string;
  reservationId?: number;
  /** The charger's start time: a start queued offline counts against the reservations standing then. */
  at: Date;
  parentIdTag?: string | null;
}

/** consume: the start uses this reservation; refuse: another driver on a reserved connector; none: no reservation involved. */
export type StartDecision = { kind: 'consume'; reservationId: number } | { kind: 'refuse'; reservationId: number } | { kind: 'none' };

const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/** Holding the connector at `at`: the charger may have it (pending: our answer is not stored yet) and it has not run out. */
export function holdsAt(r: ReservationFacts, at: Date): boolean {
  return (r.state === 'active' || r.state === 'pending') && r.expiresAt.getTime() > at.getTime();
}

/** The idTag is the reserved one, or both share the reservation's parentIdTag (§5.13: a group of tags). */
export function isReservedFor(r: ReservationFacts, idTag: string, parentIdTag?: string | null): boolean {
  if (same(r.idTag, idTag)) return true;
  return r.parentIdTag !== null && typeof parentIdTag === 'string' && parentIdTag !== '' && same(r.parentIdTag, parentIdTag);
}

/**
 * 1. The start names one of this charger's reservations by id: it is consumed, whatever state we recorded (the
 *    charger only sends an id it held; an expiry or failure we recorded may be a clock or a lost answer).
 * 2. A reservation holding this connector (or connector 0, any connector of the charger) for this idTag or its
 *    parent: consumed.
 * 3. A reservation holding exactly this connector for someone else: refused. A connector-0 reservation refuses
 *    nobody here: the charger keeps one connector free for it and we do not know which one.
 */
export function decideStart(candidates: readonly ReservationFacts[], start: StartFacts): StartDecision {
  if (start.reservationId !== undefined) {
    const named = candidates.find((r) => r.reservationId === start.reservationId && r.state !== 'used' && r.state !== 'cancelled');
    if (named) return { kind: 'consume', reservationId: named.reservationId };
  }
  const holding = candidates.filter((r) => holdsAt(r, start.at) && (r.connectorId === start.connectorId || r.connectorId === 0));
  const mine = holding.find((r) => isReservedFor(r, start.idTag, start.parentIdTag));
  if (mine) return { kind: 'consume', reservationId: mine.reservationId };
  const other = holding.find((r) => r.connectorId === start.connectorId);
  return other ? { kind: 'refuse', reservationId: other.reservationId } : { kind: 'none' };
}
