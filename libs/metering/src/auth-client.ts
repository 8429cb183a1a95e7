import { ask, type Bus, type ReplyOf } from '#csms/bus';
import type { StartTransactionRequest } from '#csms/ocpp';
import * as auth from '#csms/auth/verbs';

/** Auth could not give a verdict (not running, silent, or refused the question). */
export class AuthUnavailableError extends Error {
  readonly code = 'METERING_AUTH_UNAVAILABLE';
  constructor(
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'AuthUnavailableError';
  }
}

/**
 * Asks auth for the idTagInfo of a StartTransaction and whether the session is free charging. The start's
 * connector and time go along: with ConcurrentTx, auth must not count this very start (stored by an earlier
 * attempt whose answer the charger did not get) as the tag's other transaction.
 */
export async function idTagInfoForStart(bus: Bus, chargerId: string, start: StartTransactionRequest, timeoutMs: number): Promise<auth.StartVerdict> {
  const subject = auth.idTagInfoForStart.subject;
  const body = {
    chargerId,
    idTag: start.idTag,
    connectorId: start.connectorId,
    timestamp: start.timestamp,
    ...(start.reservationId !== undefined ? { reservationId: start.reservationId } : {}),
  };
  let reply: ReplyOf<typeof auth.idTagInfoForStart>;
  try {
    reply = await ask(bus, auth.idTagInfoForStart, body, { timeoutMs });
  } catch (err) {
    throw new AuthUnavailableError(`auth did not answer ${subject}: ${(err as Error).message}`, err);
  }
  if (!reply.ok) throw new AuthUnavailableError(`auth refused ${subject}: ${reply.status} ${reply.body.message}`);
  return reply.data;
}

/**
 * Tells auth which transaction used a reservation (only for a start auth matched to one, so a start without a
 * reservation costs nothing more). A lost answer leaves the reservation used without its transaction id: logged by
 * the caller, never a reason to refuse the start.
 */
export async function reportReservationUsed(bus: Bus, reservationId: number, transactionId: number, timeoutMs: number): Promise<void> {
  const subject = auth.reservationUsed.subject;
  const reply = await ask(bus, auth.reservationUsed, { reservationId, transactionId }, { timeoutMs });
  if (!reply.ok) throw new AuthUnavailableError(`auth refused ${subject}: ${reply.status} ${reply.body.message}`);
}
