import { subjects, type Bus } from '#csms/bus';
import type { ServiceReply } from '#csms/http';
import type { StartTransactionRequest } from '#csms/ocpp';
import type { IdTagInfoForStart } from './views.js';

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
export async function idTagInfoForStart(bus: Bus, chargerId: string, start: StartTransactionRequest, timeoutMs: number): Promise<IdTagInfoForStart> {
  const subject = subjects.api('auth', 'idTagInfoForStart');
  const body = {
    chargerId,
    idTag: start.idTag,
    connectorId: start.connectorId,
    timestamp: start.timestamp,
    ...(start.reservationId !== undefined ? { reservationId: start.reservationId } : {}),
  };
  let reply: ServiceReply<IdTagInfoForStart>;
  try {
    reply = await bus.request<typeof body, ServiceReply<IdTagInfoForStart>>(subject, body, { timeoutMs });
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
  const subject = subjects.api('auth', 'reservationUsed');
  const reply = await bus.request<{ reservationId: number; transactionId: number }, ServiceReply<{ linked: boolean }>>(
    subject,
    { reservationId, transactionId },
    { timeoutMs },
  );
  if (!reply.ok) throw new AuthUnavailableError(`auth refused ${subject}: ${reply.status} ${reply.body.message}`);
}
