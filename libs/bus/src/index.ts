export * from './bus.js';
export * from './envelopes.js';
export {
  subjects,
  EVENTS_STREAM,
  EVENT_STREAM_SUBJECTS,
  DEAD_LETTERS_STREAM,
  DEAD_LETTER_SUBJECTS,
  REQUEST_ACTIONS,
  SERVICE_QUEUES,
  EVENT_ACTIONS,
  FACT_KINDS,
  parseEventSubject,
  parseFactSubject,
  parseConnectionSubject,
  parseCommandSubject,
} from './subjects.js';
export type { RequestAction, EventAction, FactKind, ApiService } from './subjects.js';
export { identityToToken, tokenToIdentity } from './identity-token.js';
export { sendCommand, DEFAULT_COMMAND_TIMEOUT_MS } from './commands.js';
export { BUS } from './nest/tokens.js';
export { InProcessBus, NoStreamError } from './in-process/in-process-bus.js';
export type { InProcessBusOptions } from './in-process/in-process-bus.js';
export { NatsBus } from './nats/nats-bus.js';
export type { NatsBusOptions } from './nats/nats-bus.js';
export { createBus } from './create-bus.js';
export type { CreateBusOptions } from './create-bus.js';
export { subjectMatches, assertValidSubject, InvalidSubjectError } from './subject-match.js';
export { BusTransport, BusContext, DurableEventPattern } from './nest/bus-transport.js';
export type { BusPatternExtras, DurableEventOptions } from './nest/bus-transport.js';
export { BusModule } from './nest/bus.module.js';
export { DEFAULT_MAX_DELIVERIES, CONSUMER_STALL_MS, AckWaitExpiredError } from './poison-isolation.js';
export { recordFact } from './facts.js';
export * from './diagnostics.js';
export { ok, refuse, type ServiceReply, type ApiErrorBody, type ApiFieldError } from './service-reply.js';
export { defineVerb, verbAt, ask, serveVerb, Answers, type Verb, type NoRequest, type Page, type RequestOf, type ReplyOf } from './verb.js';
