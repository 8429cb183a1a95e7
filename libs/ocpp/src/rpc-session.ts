import { isOcppAction } from './actions.js';
import { normaliseErrorCode, type OcppErrorCode } from './errors.js';
import { newMessageId, serializeCall, type ParsedFrame } from './framing.js';
import { validatePayload, type PayloadValidationError } from './validation.js';

export interface RpcSessionOptions {
  /** Writes one text frame to the socket. May throw; the call then rejects with CallSendError. */
  send: (text: string) => void;
  defaultTimeoutMs: number;
  /** Validate outgoing CALL payloads against the request schema (default true). */
  validateOutgoing?: boolean;
}

export interface CallOptions {
  timeoutMs?: number;
  /**
   * Epoch ms after which the caller no longer waits. A call still queued then is dropped, never sent
   * (CallExpiredError); a call sent before it waits at most until it (the shorter of this and timeoutMs).
   */
  deadline?: number;
  /** Clock for the deadline (tests). */
  now?: () => number;
  /** Called once the CALL was written to the transport (it may be queued before that). */
  onSent?: () => void;
}

export type ResponseFrame = Extract<ParsedFrame, { kind: 'result' | 'error' }>;

/** Base of everything RpcSession rejects with; `code` is stable and machine-readable. */
export abstract class RpcError extends Error {
  abstract readonly code: string;
}

export class CallTimeoutError extends RpcError {
  readonly code = 'RPC_TIMEOUT';
  constructor(
    readonly action: string,
    readonly messageId: string,
    readonly timeoutMs: number,
  ) {
    super(`${action} (${messageId}) got no answer within ${timeoutMs} ms`);
    this.name = 'CallTimeoutError';
  }
}

/**
 * The peer answered with a CALLERROR, or with a CALLRESULT whose payload breaks the response schema.
 * `code` is the OCPP error code (1.6 spelling; codes outside 1.6 become GenericError, the received
 * text stays in `receivedCode`).
 */
export class CallErrorResponse extends RpcError {
  readonly code: OcppErrorCode;
  constructor(
    readonly receivedCode: string,
    readonly description: string,
    readonly details: unknown,
    readonly action: string,
    readonly messageId: string,
  ) {
    const code = normaliseErrorCode(receivedCode) ?? 'GenericError';
    super(`${action} (${messageId}) failed: ${receivedCode}${description ? `: ${description}` : ''}`);
    this.code = code;
    this.name = 'CallErrorResponse';
  }
}

export class SessionClosedError extends RpcError {
  readonly code = 'RPC_SESSION_CLOSED';
  /**
   * @param sent whether this call's CALL had already gone out when the session closed: then the peer may
   *   have carried it out (a Hard Reset closes the socket before answering) and the outcome is unknown.
   */
  constructor(
    readonly reason: string,
    readonly sent = false,
  ) {
    super(`RPC session closed: ${reason}${sent ? ' (after the CALL was sent)' : ''}`);
    this.name = 'SessionClosedError';
  }
}

/** The call's deadline passed while it waited behind another CALL: it was dropped, never sent. */
export class CallExpiredError extends RpcError {
  readonly code = 'RPC_EXPIRED';
  constructor(
    readonly action: string,
    readonly deadline: number,
  ) {
    super(`${action} dropped unsent: its deadline ${new Date(deadline).toISOString()} passed while it was queued`);
    this.name = 'CallExpiredError';
  }
}

/** The payload we were about to send breaks the request schema; nothing was sent. */
export class OutgoingPayloadError extends RpcError {
  readonly code = 'RPC_INVALID_OUTGOING_PAYLOAD';
  constructor(
    readonly action: string,
    readonly ocppErrorCode: OcppErrorCode,
    readonly errors: PayloadValidationError[],
    description: string,
  ) {
    super(`refusing to send ${action}: ${description}`);
    this.name = 'OutgoingPayloadError';
  }
}

export class CallSendError extends RpcError {
  readonly code = 'RPC_SEND_FAILED';
  constructor(
    readonly action: string,
    override readonly cause: unknown,
  ) {
    super(`sending ${action} failed: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'CallSendError';
  }
}

interface QueuedCall {
  action: string;
  payload: unknown;
  timeoutMs: number;
  deadline?: number;
  now: () => number;
  onSent?: () => void;
  /** Drops the call from the queue at its deadline (queued calls with a deadline only). */
  expiry?: ReturnType<typeof setTimeout>;
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
}

interface OutstandingCall extends QueuedCall {
  messageId: string;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * Outgoing CALLs of one side of one connection. At most one CALL is outstanding; the next is sent
 * only when it got a CALLRESULT/CALLERROR or timed out [J16 §4.1.1]. Incoming CALLs are not handled
 * here: the two directions are independent and may cross.
 */
export class RpcSession {
  // Not readonly: once drained it is replaced by an empty array, which holds no backing store (a drained array keeps
  // room for 16 calls, and a gateway has one RpcSession per charger).
  private queue: QueuedCall[] = [];
  private outstanding: OutstandingCall | undefined;
  private closedReason: string | undefined;

  constructor(private readonly options: RpcSessionOptions) {}

  /** Calls queued plus the one outstanding. */
  get pending(): number {
    return this.queue.length + (this.outstanding ? 1 : 0);
  }

  get closed(): boolean {
    return this.closedReason !== undefined;
  }

  call<R = unknown>(action: string, payload: unknown, options: CallOptions = {}): Promise<R> {
    if (this.closedReason !== undefined) return Promise.reject(new SessionClosedError(this.closedReason));
    if (this.options.validateOutgoing !== false) {
      const v = validatePayload(action, 'request', payload);
      if (!v.ok) return Promise.reject(new OutgoingPayloadError(action, v.code, v.errors, v.description));
    }
    const now = options.now ?? Date.now;
    if (options.deadline !== undefined && options.deadline <= now()) return Promise.reject(new CallExpiredError(action, options.deadline));
    return new Promise<R>((resolve, reject) => {
      const queued: QueuedCall = {
        action,
        payload,
        timeoutMs: options.timeoutMs ?? this.options.defaultTimeoutMs,
        deadline: options.deadline,
        now,
        onSent: options.onSent,
        // The CALLRESULT payload was validated against R's schema before it reaches here.
        resolve: resolve as (value: unknown) => void,
        reject,
      };
      this.queue.push(queued);
      this.pump();
      // Still queued behind another CALL: leave the queue at the deadline, so the caller's timeout and
      // "never sent" are the same moment (docs/reference/design-decisions.md#commands).
      if (queued.deadline !== undefined && this.queue.includes(queued)) {
        queued.expiry = setTimeout(() => this.expire(queued), Math.max(0, queued.deadline - now()));
      }
    });
  }

  /** Settles the outstanding call a CALLRESULT/CALLERROR answers. False if it answers none (late, unknown id). */
  handleResponse(frame: ResponseFrame): boolean {
    const call = this.outstanding;
    if (call === undefined || call.messageId !== frame.messageId) return false;
    this.finish(call);
    if (frame.kind === 'error') {
      call.reject(new CallErrorResponse(frame.code, frame.description, frame.details, call.action, call.messageId));
    } else {
      const err = this.checkResponse(call, frame.payload);
      if (err) call.reject(err);
      else call.resolve(frame.payload);
    }
    this.pump();
    return true;
  }

  /** Rejects the outstanding and every queued call; later calls reject at once. */
  close(reason = 'closed'): void {
    if (this.closedReason !== undefined) return;
    this.closedReason = reason;
    const outstanding = this.outstanding;
    if (outstanding) this.finish(outstanding);
    const queued = this.queue.splice(0);
    for (const c of queued) clearTimeout(c.expiry);
    outstanding?.reject(new SessionClosedError(reason, true));
    for (const c of queued) c.reject(new SessionClosedError(reason, false));
  }

  private expire(call: QueuedCall): void {
    const i = this.queue.indexOf(call);
    if (i < 0) return;
    this.queue.splice(i, 1);
    call.reject(new CallExpiredError(call.action, call.deadline ?? call.now()));
  }

  private checkResponse(call: OutstandingCall, payload: unknown): CallErrorResponse | undefined {
    // Unknown actions only get here with validateOutgoing: false; there is no schema to check against.
    if (!isOcppAction(call.action)) return undefined;
    const v = validatePayload(call.action, 'response', payload);
    if (v.ok) return undefined;
    return new CallErrorResponse(v.code, `invalid CALLRESULT: ${v.description}`, { errors: v.errors }, call.action, call.messageId);
  }

  private finish(call: OutstandingCall): void {
    clearTimeout(call.timer);
    if (this.outstanding === call) this.outstanding = undefined;
  }

  private pump(): void {
    while (this.outstanding === undefined && this.closedReason === undefined) {
      const next = this.queue.shift();
      if (next === undefined) return;
      if (this.queue.length === 0) this.queue = [];
      clearTimeout(next.expiry);
      let timeoutMs = next.timeoutMs;
      if (next.deadline !== undefined) {
        const left = next.deadline - next.now();
        if (left <= 0) {
          next.reject(new CallExpiredError(next.action, next.deadline));
          continue;
        }
        timeoutMs = Math.min(timeoutMs, left);
      }
      const messageId = newMessageId();
      try {
        this.options.send(serializeCall(messageId, next.action, next.payload));
      } catch (err) {
        next.reject(new CallSendError(next.action, err));
        continue;
      }
      // The timeout runs from the moment the CALL left, not from when it was queued.
      const call: OutstandingCall = {
        ...next,
        timeoutMs,
        messageId,
        timer: setTimeout(() => this.onTimeout(call), timeoutMs),
      };
      this.outstanding = call;
      next.onSent?.();
    }
  }

  private onTimeout(call: OutstandingCall): void {
    if (this.outstanding !== call) return;
    this.finish(call);
    call.reject(new CallTimeoutError(call.action, call.messageId, call.timeoutMs));
    this.pump();
  }
}
