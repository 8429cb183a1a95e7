/**
 * Every subject name of the system. Nothing outside this file spells a subject.
 *
 * Shape:
 *   ocpp.v16.req.<Action>          charger CALLs that need a decision (request/reply, queue groups)
 *   ocpp.v16.evt.<cp>.<Action>     charger facts, durable in the OCPP_EVENTS stream
 *   ocpp.v16.conn.<cp>             connected / disconnected, durable in the same stream
 *   ocpp.v16.cmd.<cp>              commands for the gateway that holds the charger's socket
 *   ocpp.v16.fact.<cp>.<Kind>      what the CSMS did or decided about a charger (command outcomes, ...),
 *                                  durable in the same stream, for services and live dashboards
 *   ocpp.v16.seen                  periodic last-seen batches from each gateway (not durable)
 *   ocpp.v16.reg.<cp>              the registry changed what it answers about a charger (model, reported feature
 *                                  profiles): gateways drop their cached capabilities (not durable)
 *   ocpp.v16.dead.<consumer>       messages a durable consumer could not process, durable in the
 *                                  OCPP_DEAD_LETTERS stream (docs/reference/design-decisions.md#poison-messages)
 *   svc.auth.connect               the gateway's upgrade decision
 *   svc.auth.ready                 whether auth can decide upgrades now (gateway readiness)
 *   api.<service>.<verb>           the services' verbs (each defined once, in its service's verbs.ts)
 */
import { identityToToken, tokenToIdentity } from './identity-token.js';

export const EVENTS_STREAM = 'OCPP_EVENTS';
export const DEAD_LETTERS_STREAM = 'OCPP_DEAD_LETTERS';
const ROOT = 'ocpp.v16';

/** Subjects the dead-letter stream stores. */
export const DEAD_LETTER_SUBJECTS = [`${ROOT}.dead.>`];

/** Subjects the events stream stores. */
export const EVENT_STREAM_SUBJECTS = [`${ROOT}.evt.>`, `${ROOT}.conn.>`, `${ROOT}.fact.>`];

/** Charger CALLs the gateway forwards by request/reply, and the service that owns each. */
export const REQUEST_ACTIONS = {
  BootNotification: 'config-manager',
  Authorize: 'auth',
  StartTransaction: 'metering',
  DataTransfer: 'config-manager',
} as const;
export type RequestAction = keyof typeof REQUEST_ACTIONS;

/** Charger CALLs the gateway stores durably and answers once the stream acked them. */
export const EVENT_ACTIONS = [
  'MeterValues',
  'StatusNotification',
  'StopTransaction',
  'DiagnosticsStatusNotification',
  'FirmwareStatusNotification',
  'SecurityEventNotification',
  'LogStatusNotification',
  'SignedFirmwareStatusNotification',
] as const;
export type EventAction = (typeof EVENT_ACTIONS)[number];

/**
 * Facts the CSMS itself records about a charger (not charger CALLs). Boot and TransactionStarted are the
 * answers of request/reply CALLs (the charger's own message is not in the stream): published by the service
 * that decided, before it answers, so the stream holds them in the order the charger saw them.
 * ConfigurationApplied: one ChangeConfiguration outcome of the reconciler, or the charger's drift state changing.
 * SecurityEvent: one the CSMS found itself (a refused connection), as auth stored it; the chargers' own
 * SecurityEventNotifications are events already.
 * QueuedCommand: a queued command (docs/api-commands.md#queued-commands) changed state (queued, delivered, ...).
 * Reservation: a reservation created, refused, cancelled, expired or used, as auth recorded it.
 * Diagnostics: a diagnostics or log request changed (requested, answered, the charger's notification, file received).
 * ChargingProfileApplied: one SetChargingProfile or ClearChargingProfile of the desired charging profiles and its outcome.
 * SiteLimit: a charger accepted a new share of its group's site limit (docs/site-limits.md).
 */
export const FACT_KINDS = [
  'CommandOutcome',
  'Boot',
  'TransactionStarted',
  'ConfigurationApplied',
  'SecurityEvent',
  'QueuedCommand',
  'Reservation',
  'Diagnostics',
  'ChargingProfileApplied',
  'SiteLimit',
] as const;
export type FactKind = (typeof FACT_KINDS)[number];

export const subjects = {
  request: (action: RequestAction): string => `${ROOT}.req.${action}`,
  event: (identity: string, action: EventAction): string => `${ROOT}.evt.${identityToToken(identity)}.${action}`,
  /** Filter for one action from every charger, for durable consumers. */
  eventsOf: (action: EventAction): string => `${ROOT}.evt.*.${action}`,
  connection: (identity: string): string => `${ROOT}.conn.${identityToToken(identity)}`,
  allConnections: `${ROOT}.conn.*`,
  command: (identity: string): string => `${ROOT}.cmd.${identityToToken(identity)}`,
  fact: (identity: string, kind: FactKind): string => `${ROOT}.fact.${identityToToken(identity)}.${kind}`,
  /** Filter for one kind of fact about every charger, for durable consumers. */
  factsOf: (kind: FactKind): string => `${ROOT}.fact.*.${kind}`,
  seen: `${ROOT}.seen`,
  /** Core NATS, not durable: a notice that the registry's answer for the charger changed (a cache drops its copy). */
  registryChanged: (identity: string): string => `${ROOT}.reg.${identityToToken(identity)}`,
  allRegistryChanges: `${ROOT}.reg.*`,
  /** Where a durable consumer's dead letters go (the durable name encoded as one token). */
  deadLetter: (consumer: string): string => `${ROOT}.dead.${identityToToken(consumer)}`,
  authConnect: 'svc.auth.connect',
  /** Whether auth can decide upgrades now (its database answers): the gateway's readiness asks it. */
  authReady: 'svc.auth.ready',
  api: (service: ApiService, verb: string): string => `api.${service}.${verb}`,
};

export type ApiService = 'auth' | 'config-manager' | 'metering' | 'registry';

/** The queue group that answers each service's verbs (the registry is part of config-manager). */
export const SERVICE_QUEUES: Record<ApiService, string> = {
  auth: 'auth',
  'config-manager': 'config-manager',
  metering: 'metering',
  registry: 'config-manager',
};

/** The charge point identity and action of an event subject (inverse of `subjects.event`). */
export function parseEventSubject(subject: string): { identity: string; action: string } | undefined {
  const parts = subject.split('.');
  if (parts.length !== 5 || parts[0] !== 'ocpp' || parts[1] !== 'v16' || parts[2] !== 'evt') return undefined;
  return { identity: tokenToIdentity(parts[3]), action: parts[4] };
}

/** The charge point identity and kind of a fact subject (inverse of `subjects.fact`). */
export function parseFactSubject(subject: string): { identity: string; kind: string } | undefined {
  const parts = subject.split('.');
  if (parts.length !== 5 || parts[0] !== 'ocpp' || parts[1] !== 'v16' || parts[2] !== 'fact') return undefined;
  return { identity: tokenToIdentity(parts[3]), kind: parts[4] };
}

/** The charge point identity of a command subject (`subjects.command`). */
export function parseCommandSubject(subject: string): string | undefined {
  return identityOfSubject(subject, 'cmd');
}

/** The charge point identity of a connection subject. */
export function parseConnectionSubject(subject: string): string | undefined {
  return identityOfSubject(subject, 'conn');
}

/** The identity of a `ocpp.v16.<kind>.<cp>` subject, undefined for any other subject. */
function identityOfSubject(subject: string, kind: string): string | undefined {
  const parts = subject.split('.');
  if (parts.length !== 4 || parts[2] !== kind) return undefined;
  return tokenToIdentity(parts[3]);
}
