import { createHash } from 'node:crypto';
import { Logger } from '@nestjs/common';
import {
  EVENT_ACTIONS,
  NoRespondersError,
  REQUEST_ACTIONS,
  RequestTimeoutError,
  subjects,
  type Bus,
  type ChargerMessage,
  type ChargerReply,
  type EventAction,
  type RequestAction,
} from '#csms/bus';
import { CHARGER_INITIATED_ACTIONS, isOcppAction, normaliseLeapSeconds, validatePayload, type OcppErrorCode } from '#csms/ocpp';

/** What the gateway answers to one charger CALL. */
export type CallOutcome = { result: Record<string, unknown> } | { error: { code: OcppErrorCode; description: string; details?: Record<string, unknown> } };

const REQUEST_TIMEOUT_MS = 10_000;
const eventActions = new Set<string>(EVENT_ACTIONS);
const chargerActions = new Set<string>(CHARGER_INITIATED_ACTIONS);

/**
 * The whole path of one charger CALL, kept short on purpose: validate -> answer locally,
 * ask the owning service, or store durably -> answer. A CALLRESULT for a fact is sent only after
 * JetStream (or the in-process journal) stored it, so an acknowledged message is never lost.
 */
export class CallRouter {
  private readonly log = new Logger('CallRouter');

  constructor(
    private readonly bus: Bus,
    private readonly gatewayId: string,
  ) {}

  /**
   * A plain value when the answer is known at once (Heartbeat, a refusal), a promise when a service or the store
   * decides: the session then answers without making a promise (inSpanMaybeAsync says why that matters).
   */
  route(chargerId: string, messageId: string, action: string, payload: unknown): CallOutcome | Promise<CallOutcome> {
    if (!isOcppAction(action)) return fail('NotImplemented', `unknown action ${action}`);
    // A known action the CSMS only sends (e.g. Reset) arriving from a charger is recognised but not supported.
    if (!chargerActions.has(action)) return fail('NotSupported', `${action} is sent by a central system, not by a charge point`);
    // Storable or refused, never both (libs/ocpp/src/storable.ts): a leap second is rewritten to a time every
    // consumer can hold; integers beyond 32 bits, timestamps outside 1970-9999 and empty meterValue lists are
    // refused here, before anything is acknowledged.
    normaliseLeapSeconds(action, 'request', payload);
    const valid = validatePayload(action, 'request', payload);
    if (!valid.ok) return fail(valid.code, valid.description, { errors: valid.errors });

    if (action === 'Heartbeat') return { result: { currentTime: isoNow() } };
    const message: ChargerMessage = { chargerId, messageId, action, payload, receivedAt: isoNow(), gatewayId: this.gatewayId };
    if (action in REQUEST_ACTIONS) return this.ask(action as RequestAction, message);
    if (eventActions.has(action)) return this.store(action as EventAction, message);
    // SignCertificate needs a certificate authority integration, which this CSMS does not have yet.
    return fail('NotSupported', `${action} is not supported by this central system`);
  }

  private async ask(action: RequestAction, message: ChargerMessage): Promise<CallOutcome> {
    let reply: ChargerReply<Record<string, unknown>>;
    try {
      reply = await this.bus.request<ChargerMessage, ChargerReply<Record<string, unknown>>>(subjects.request(action), message, {
        timeoutMs: REQUEST_TIMEOUT_MS,
      });
    } catch (err) {
      // The charger retries a CALL that got a CALLERROR; nothing was decided, so that is the honest answer.
      const why = err instanceof NoRespondersError ? 'no service answers' : err instanceof RequestTimeoutError ? 'service timed out' : (err as Error).message;
      this.log.warn(`${action} from ${message.chargerId}: ${why}`);
      return fail('InternalError', `${action} could not be processed now (${why}); retry later`);
    }
    if ('error' in reply) return { error: { code: reply.error.code as OcppErrorCode, description: reply.error.description, details: reply.error.details } };
    const valid = validatePayload(action, 'response', reply.result);
    if (!valid.ok) {
      this.log.error(`${action} answer for ${message.chargerId} breaks the schema: ${valid.description}`);
      return fail('InternalError', `${action} answer could not be produced`);
    }
    return { result: reply.result };
  }

  private async store(action: EventAction, message: ChargerMessage): Promise<CallOutcome> {
    try {
      await this.bus.publishDurable(subjects.event(message.chargerId, action), message, { msgId: dedupId(message) });
    } catch (err) {
      this.log.warn(`${action} from ${message.chargerId} not stored: ${(err as Error).message}`);
      return fail('InternalError', `${action} could not be stored now; retry later`);
    }
    // Every stored fact's .conf is empty or has only optional fields (StopTransaction's idTagInfo is optional).
    return { result: {} };
  }
}

/**
 * A charger that re-sends the same CALL (same id, same payload) after a lost answer must not be stored twice;
 * a charger whose message ids restart after a reboot must not lose its new messages. So the id covers both.
 */
export function dedupId(message: Pick<ChargerMessage, 'chargerId' | 'messageId' | 'action' | 'payload'>): string {
  return createHash('sha256')
    .update(`${message.chargerId}\n${message.messageId}\n${message.action}\n${JSON.stringify(message.payload)}`)
    .digest('hex')
    .slice(0, 40);
}

let isoNowMs = 0;
let isoNowText = '';

/** The time now as ISO 8601 text, made once per millisecond: a busy gateway answers dozens of Heartbeats in one. */
function isoNow(): string {
  const ms = Date.now();
  if (ms !== isoNowMs) {
    isoNowMs = ms;
    isoNowText = new Date(ms).toISOString();
  }
  return isoNowText;
}

function fail(code: OcppErrorCode, description: string, details?: Record<string, unknown>): CallOutcome {
  return { error: { code, description, details } };
}
