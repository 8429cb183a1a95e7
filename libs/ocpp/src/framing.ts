import { randomUUID } from 'node:crypto';
import type { OcppErrorCode } from './errors.js';

/** OCPP-J message type numbers [J16 §4.1.3]. */
export const MessageType = { CALL: 2, CALLRESULT: 3, CALLERROR: 4 } as const;

/** A messageId is a string of at most 36 characters [J16 §4.1.4]. */
export const MAX_MESSAGE_ID_LENGTH = 36;

export type ParsedFrame =
  | { kind: 'call'; messageId: string; action: string; payload: unknown }
  | { kind: 'result'; messageId: string; payload: unknown }
  | { kind: 'error'; messageId: string; code: string; description: string; details: unknown }
  | { kind: 'ignored'; reason: string }
  | { kind: 'bad'; messageId?: string; code: OcppErrorCode; description: string };

type BadFrame = Extract<ParsedFrame, { kind: 'bad' }>;

function bad(description: string, messageId?: string): BadFrame {
  // messageId only when it could be read, so the caller knows whether a CALLERROR can reference it.
  return messageId === undefined
    ? { kind: 'bad', code: 'FormationViolation', description }
    : { kind: 'bad', messageId, code: 'FormationViolation', description };
}

function isJsonObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * Parses one WebSocket text frame. Never throws: everything malformed becomes `bad` (answer a
 * FormationViolation where the id is known, docs/reference/protocol-notes.md#bad-frames) or `ignored` (unknown type number).
 * Payload content is not checked here; see validatePayload.
 */
export function parseFrame(text: string): ParsedFrame {
  let msg: unknown;
  try {
    msg = JSON.parse(text);
  } catch {
    return bad('frame is not valid JSON');
  }
  if (!Array.isArray(msg)) return bad('frame is not a JSON array');

  const rawId: unknown = msg[1];
  const readableId = typeof rawId === 'string' ? rawId : undefined;
  const type: unknown = msg[0];

  if (msg.length < 3) return bad(`frame has ${msg.length} elements, at least 3 are required`, readableId);
  if (typeof type !== 'number') return bad('message type is not a number', readableId);
  // Unknown type number: ignore the frame whatever the rest holds [J16 §4.1.3].
  if (type !== MessageType.CALL && type !== MessageType.CALLRESULT && type !== MessageType.CALLERROR) {
    return { kind: 'ignored', reason: `unknown message type ${String(type)}` };
  }
  if (readableId === undefined) return bad('messageId is not a string');
  if (readableId.length === 0) return bad('messageId is empty', readableId);
  if (readableId.length > MAX_MESSAGE_ID_LENGTH) {
    return bad(`messageId is ${readableId.length} characters, at most ${MAX_MESSAGE_ID_LENGTH} allowed`, readableId);
  }
  const messageId = readableId;

  switch (type) {
    case MessageType.CALL: {
      if (msg.length !== 4) return bad(`CALL has ${msg.length} elements, expected 4`, messageId);
      const action: unknown = msg[2];
      if (typeof action !== 'string' || action.length === 0) return bad('CALL action is not a non-empty string', messageId);
      if (!isJsonObject(msg[3])) return bad('CALL payload is not a JSON object', messageId);
      return { kind: 'call', messageId, action, payload: msg[3] };
    }
    case MessageType.CALLRESULT: {
      if (msg.length !== 3) return bad(`CALLRESULT has ${msg.length} elements, expected 3`, messageId);
      return { kind: 'result', messageId, payload: msg[2] };
    }
    default: {
      // MessageType.CALLERROR: the only number left after the check above.
      if (msg.length < 4) return bad(`CALLERROR has ${msg.length} elements, expected 5`, messageId);
      const code: unknown = msg[2];
      const description: unknown = msg[3];
      if (typeof code !== 'string') return bad('CALLERROR errorCode is not a string', messageId);
      // Lenient on receipt: a missing details object is {} and a non-string description is ''.
      const details: unknown = msg.length > 4 ? msg[4] : {};
      return { kind: 'error', messageId, code, description: typeof description === 'string' ? description : '', details };
    }
  }
}

export function serializeCall(messageId: string, action: string, payload: unknown): string {
  return JSON.stringify([MessageType.CALL, messageId, action, payload]);
}

export function serializeResult(messageId: string, payload: unknown): string {
  return JSON.stringify([MessageType.CALLRESULT, messageId, payload]);
}

/** details is `{}` when empty and description `""` [J16 §4.2.3]. */
export function serializeError(messageId: string, code: OcppErrorCode, description = '', details: unknown = {}): string {
  return JSON.stringify([MessageType.CALLERROR, messageId, code, description, details ?? {}]);
}

/** A fresh messageId: a UUID, exactly 36 characters, unique per connection in practice. */
export function newMessageId(): string {
  return randomUUID();
}
