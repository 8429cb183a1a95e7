/**
 * What travels on the bus between the gateway and the services. Payloads are OCPP 1.6 JSON payloads,
 * already validated against their schema by the gateway.
 */

/** A charger CALL forwarded by the gateway, by request/reply or as a durable event. */
export interface ChargerMessage<P = unknown> {
  chargerId: string;
  /** The charger's own messageId: with chargerId it identifies the CALL (used for de-duplication). */
  messageId: string;
  action: string;
  payload: P;
  /** ISO time the gateway received the frame. */
  receivedAt: string;
  gatewayId: string;
}

/** The owning service's answer to a forwarded CALL: a CALLRESULT payload or a CALLERROR. */
export type ChargerReply<R = unknown> = { result: R } | { error: { code: string; description: string; details?: Record<string, unknown> } };

/** A CSMS -> charger command, sent on the charger's command subject. */
export interface CommandRequest<P = unknown> {
  /**
   * Unique per command (one API call, one queued delivery attempt): a gateway that already executed it
   * answers with the outcome it has instead of sending it to the charger again.
   */
  commandId?: string;
  action: string;
  payload: P;
  /**
   * Epoch ms after which the caller no longer waits for the answer: a command still waiting in the
   * charger's queue then is dropped, never sent.
   */
  deadline?: number;
  /** How long to wait for the charger's answer once the CALL was sent (ms). */
  timeoutMs?: number;
  /** Who asked (API caller, service name): kept in logs and audit trails. */
  origin?: string;
  /** The operator behind an API command: API token name or OIDC subject ('loopback' for a trusted local call). */
  requestedBy?: string;
  /**
   * Gateways that took this delivery, held no open socket for the charger and asked the command subject again
   * (in order). A gateway that finds itself here is continuing its own execution of this commandId, not
   * receiving a second delivery of it.
   */
  handedOnBy?: string[];
}

export type CommandReply<R = unknown> =
  | { status: 'ok'; result: R }
  | { status: 'callerror'; code: string; description: string; details: Record<string, unknown> }
  | { status: 'timeout' }
  /** No gateway holds the charger's socket: nothing was sent. */
  | { status: 'not-connected' }
  /** The CALL went out, then the connection closed before an answer: the outcome is unknown. */
  | { status: 'connection-lost' }
  /**
   * Refused before anything was sent. `reason` 'payload': the payload breaks the action's 1.6 JSON schema (`code` is
   * the OCPP error code it would have earned); 'state': the charger's state forbids the action (boot Rejected or
   * Pending). Older gateways sent neither field.
   */
  | { status: 'invalid'; reason?: 'payload' | 'state'; code?: string; description?: string; errors: Array<{ path: string; message: string }> };

export interface ConnectionEvent {
  chargerId: string;
  state: 'connected' | 'disconnected';
  gatewayId: string;
  /** Unique per socket: the newest session wins. */
  sessionId: string;
  at: string;
  remoteAddress?: string;
  /** Close code and reason when disconnected. */
  code?: number;
  reason?: string;
}

/** Last-seen times batched by each gateway: chargerId -> ISO time. */
export interface SeenBatch {
  gatewayId: string;
  seen: Record<string, string>;
}

/** The gateway's question before completing a WebSocket upgrade. */
export interface ConnectAuthRequest {
  chargerId: string;
  remoteAddress: string;
  /** Basic Auth, when the charger sent it. The password travels base64-encoded: it may hold any byte. */
  basic?: { username: string; passwordBase64: string };
  /** Whether the socket is TLS, and the client certificate's subject CN when one was verified. */
  tls: boolean;
  clientCertificateCN?: string;
  clientCertificateO?: string;
}

/** Auth's answer on `subjects.authReady`. */
export interface AuthReadyReply {
  ready: boolean;
  reason?: string;
}

export type ConnectAuthReply =
  | { decision: 'accept'; chargerId: string }
  | { decision: 'unauthorized'; reason: string }
  | { decision: 'unknown'; reason: string }
  | { decision: 'throttled'; reason: string; retryAfterSeconds: number };

/** What became of one CSMS -> charger command, recorded by the gateway that executed it (`subjects.fact(cp, 'CommandOutcome')`). */
export interface CommandOutcomeFact {
  chargerId: string;
  commandId: string;
  action: string;
  payload: unknown;
  origin?: string;
  /** CommandRequest.requestedBy: who sent it through the API. */
  requestedBy?: string;
  status: CommandReply['status'];
  /** The charger's CALLRESULT payload when status is 'ok'. */
  result?: unknown;
  /** The charger's CALLERROR when status is 'callerror'. */
  error?: { code: string; description: string };
  /** When the CALL was written to the socket (absent when it never was). */
  sentAt?: string;
  finishedAt: string;
  /** From the gateway taking the command to its outcome (queue time included). */
  latencyMs?: number;
  gatewayId: string;
  sessionId: string;
}

/** A BootNotification and what config-manager answered (`subjects.fact(cp, 'Boot')`). */
export interface BootFact {
  chargerId: string;
  status: 'Accepted' | 'Pending' | 'Rejected';
  vendor: string;
  model: string;
  firmwareVersion: string | null;
  serialNumber: string | null;
  /** When the CSMS decided (ISO). */
  at: string;
  /** The Reset this boot follows, when one was sent and not answered (socket closed) or Accepted. */
  afterReset?: ResetLink;
}

/**
 * A Reset the charger may be carrying out (`api.registry.noteReset`, from the gateway that sent it): its
 * next BootNotification is linked to it, so an operator learns what became of a Reset whose answer was lost.
 */
export interface ResetLink {
  commandId: string;
  type: 'Hard' | 'Soft';
  /** `connection-lost`: sent, socket closed before an answer (a Hard Reset does that); `accepted`: answered Accepted. */
  outcome: 'connection-lost' | 'accepted';
  /** When the CALL was sent (ISO). */
  sentAt: string;
}

export interface ResetSentNote extends ResetLink {
  chargerId: string;
}

/**
 * The note a sent Reset leaves for the charger's next boot, or undefined when the charger is not carrying it out
 * (Rejected, CALLERROR, never sent). A lost connection counts: a Hard Reset closes the socket before answering.
 */
export function resetSentNote(chargerId: string, commandId: string, type: ResetLink['type'], reply: CommandReply, sentAt: Date): ResetSentNote | undefined {
  const outcome =
    reply.status === 'connection-lost'
      ? 'connection-lost'
      : reply.status === 'ok' && (reply.result as { status?: string }).status === 'Accepted'
        ? 'accepted'
        : undefined;
  return outcome ? { chargerId, commandId, type, outcome, sentAt: sentAt.toISOString() } : undefined;
}

/** A transaction metering opened, with the idTag decision it answered (`subjects.fact(cp, 'TransactionStarted')`). */
export interface TransactionStartedFact {
  chargerId: string;
  transactionId: number;
  connectorId: number;
  idTag: string;
  meterStart: number;
  /** The charger's start time. */
  timestamp: string;
  idTagStatus: string;
  at: string;
}

/** A charger accepted a new share of its group's site limit (`subjects.fact(cp, 'SiteLimit')`, docs/site-limits.md). */
export interface SiteLimitFact {
  chargerId: string;
  group: string;
  connectorId: number;
  transactionId: number;
  /** Amperes per phase the running transaction may draw now (0: waiting for its turn). */
  offeredA: number;
  state: 'charging' | 'waiting';
  /** Offered its measured draw plus headroom, its equal share being more than it takes. */
  selfLimited: boolean;
  at: string;
}

/** A reservation's change, as auth recorded it (`subjects.fact(cp, 'Reservation')`). */
export interface ReservationFact {
  chargerId: string;
  event: 'created' | 'refused' | 'cancelled' | 'expired' | 'used';
  reservationId: number;
  connectorId: number;
  idTag: string;
  status: string;
  expiresAt: string;
  /** The charger's answer to ReserveNow (refused: why). */
  reserveStatus: string | null;
  /** used: the transaction, once metering stored it (a second `used` fact carries it). */
  transactionId: number | null;
  at: string;
}

/** The charger's configuration as a whole, as drift tells it (config-manager desired/). */
export type ConfigurationSyncState = 'in-sync' | 'drift' | 'refused' | 'unknown';

/**
 * One ChangeConfiguration outcome of the reconciler (`key` set), or the end of a reconciliation that sent
 * nothing (`key` null), with the charger's sync state after it (`subjects.fact(cp, 'ConfigurationApplied')`).
 */
export interface ConfigurationAppliedFact {
  chargerId: string;
  key: string | null;
  value: string | null;
  /** The ChangeConfiguration outcome (Accepted, RebootRequired, Rejected, NotSupported, timeout, not-connected), or the state. */
  outcome: string;
  message?: string;
  state: ConfigurationSyncState;
  /** Keys drifted (or refused) after it. */
  driftedKeys: string[];
  at: string;
}

/**
 * One SetChargingProfile (`action` set) or ClearChargingProfile (`action` clear) sent by the desired charging
 * profiles' reconciliation, with its outcome (`subjects.fact(cp, 'ChargingProfileApplied')`; docs/charging-profiles.md).
 */
export interface ChargingProfileAppliedFact {
  chargerId: string;
  chargingProfileId: number;
  action: 'set' | 'clear';
  /** Accepted, Rejected, NotSupported, CALLERROR, timeout, not-connected, not-sent; Unknown for a clear of a profile the charger no longer had. */
  outcome: string;
  message?: string;
  at: string;
}

/** A security event the CSMS recorded itself (auth: a refused connection), `subjects.fact(cp, 'SecurityEvent')`. */
export interface SecurityEventFact {
  chargerId: string;
  type: string;
  techInfo: string | null;
  remoteAddress: string | null;
  /** When it happened (ISO). */
  timestamp: string;
}

/** The states of a queued command (docs/api-commands.md#queued-commands). */
export const QUEUED_COMMAND_STATES = ['pending', 'delivering', 'succeeded', 'failed', 'expired', 'cancelled'] as const;
export type QueuedCommandState = (typeof QUEUED_COMMAND_STATES)[number];

/**
 * A queued command changed state (`subjects.fact(cp, 'QueuedCommand')`), from config-manager which owns the queue.
 * `event`: queued (stored), delivered (claimed and sent to the gateway), then one of succeeded, failed, expired,
 * cancelled, or retry (the attempt's outcome is unknown: pending again until the charger's next connection).
 */
export interface QueuedCommandFact {
  chargerId: string;
  commandId: string;
  action: string;
  event: 'queued' | 'delivered' | 'succeeded' | 'failed' | 'expired' | 'cancelled' | 'retry';
  status: QueuedCommandState;
  /** The attempt this event is about (delivered, succeeded, failed, retry). */
  attempt?: number;
  /** The gateway's outcome of that attempt (ok, callerror, timeout, connection-lost, not-connected, invalid). */
  outcome?: string;
  at: string;
}
