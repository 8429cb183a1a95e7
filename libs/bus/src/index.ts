export * from './bus.js';
export * from './envelopes.js';
export { subjects, EVENTS_STREAM, EVENT_STREAM_SUBJECTS, REQUEST_ACTIONS, EVENT_ACTIONS, parseEventSubject, parseConnectionSubject } from './subjects.js';
export type { RequestAction, EventAction, ApiService } from './subjects.js';
export { identityToToken, tokenToIdentity } from './identity-token.js';
export { sendCommand, DEFAULT_COMMAND_TIMEOUT_MS } from './commands.js';
export { BUS } from './nest/tokens.js';
