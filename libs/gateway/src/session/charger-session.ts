import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { ROOT_CONTEXT, SpanKind, inSpanMaybeAsync, isPromiseLike, type SpanSpec } from '#csms/tracing';
import type { WebSocket, RawData } from 'ws';
import type { CommandReply, CommandRequest } from '#csms/bus';
import {
  CSMS_INITIATED_ACTIONS,
  CallErrorResponse,
  CallExpiredError,
  CallSendError,
  CallTimeoutError,
  RpcSession,
  SessionClosedError,
  isOcppAction,
  parseFrame,
  serializeError,
  serializeResult,
  validatePayload,
} from '#csms/ocpp';
import { gatewayMetrics } from '../metrics/gateway-metrics.js';
import type { CallOutcome, CallRouter } from '../routing/call-router.js';
import { BadFrameLimiter } from './bad-frame-limiter.js';
import { livenessStep, livenessWheelOf, type LivenessMember, type LivenessState, type LivenessWheel } from './liveness-wheel.js';
import { SETTLED } from './settled.js';
import { WarningThrottle } from './warning-throttle.js';

export interface SessionLimits {
  commandTimeoutMs: number;
  pingIntervalMs: number;
  badFramesPerMinute: number;
  maxSendBufferBytes: number;
}

/** What one command became on this socket: the reply, and when the CALL went out (absent when it never did). */
export interface CommandExecution {
  reply: CommandReply;
  sentAt?: Date;
}

const csmsActions = new Set<string>(CSMS_INITIATED_ACTIONS);
// One for every session: a Logger holds nothing of its session (each line names the charger).
const log = new Logger('ChargerSession');

/** The session a socket belongs to, on the socket itself (see `start`). */
const SESSION = Symbol('chargerSession');
type SessionSocket = WebSocket & { [SESSION]: ChargerSession };
const sessionOf = (ws: WebSocket): ChargerSession => (ws as SessionSocket)[SESSION];

export type SessionCloseListener = (code: number, reason: string, session: ChargerSession) => void;

/** OCPP 1.6 §4.2.1: while a charger's boot is Pending the CSMS may not start or stop transactions remotely. */
const NOT_WHILE_PENDING = new Set(['RemoteStartTransaction', 'RemoteStopTransaction']);

/**
 * One charger socket. Incoming CALLs are processed one after another, in arrival order, because
 * transaction messages must be stored in the order the charger sent them; answers to our own CALLs are
 * handled at once so a slow incoming CALL never delays a command. Outgoing CALLs go through RpcSession,
 * which holds at most one outstanding CALL (OCPP-J §4.1.1) and queues the rest.
 */
export class ChargerSession implements LivenessMember {
  readonly sessionId = randomUUID();
  /** Epoch ms (a number, not a Date: a Date is an object more per socket, kept for the connection's life). */
  readonly connectedAtMs = Date.now();
  bootStatus: 'Accepted' | 'Pending' | 'Rejected' | undefined;
  private readonly rpc: RpcSession;
  // Made at the first bad frame: most sockets never send one, and at tens of thousands of sockets each object counts.
  private badFrames?: BadFrameLimiter;
  private warnings?: WarningThrottle;
  // SETTLED while idle: the last call's own promise, kept, would hold its tracing context.
  private incoming: Promise<void> = SETTLED;
  private inFlight = 0;
  /** LivenessMember: the liveness wheel's slot for this socket (the wheel sets it). */
  livenessSlot: number | undefined = undefined;
  private readonly liveness: LivenessState = { lastAlive: Date.now(), lastPing: 0 };
  private readonly wheel: LivenessWheel;
  private closed = false;
  // Replaced, never grown: a pushed-to array keeps room for 16, and a session has one or two listeners for its life.
  private closeListeners: ReadonlyArray<SessionCloseListener> = [];

  constructor(
    readonly chargerId: string,
    readonly remoteAddress: string,
    private readonly ws: WebSocket,
    private readonly router: CallRouter,
    private readonly limits: SessionLimits,
  ) {
    // The session is its RpcSession's options (RpcSessionOptions, below): an options object and a send closure per
    // charger would be three objects more for the connection's life.
    this.rpc = new RpcSession(this);
    this.wheel = livenessWheelOf(limits);
  }

  start(): void {
    // The lifecycle an operator follows per charger: connect, boot, transactions, commands, disconnect.
    log.log(`${this.chargerId} connected`, {
      event: 'connected',
      chargerId: this.chargerId,
      remoteAddress: this.remoteAddress,
      sessionId: this.sessionId,
    });
    // The same four listener functions for every socket, each finding its session on the socket it is called on:
    // closures would be four functions and a context more per charger, for the connection's life.
    (this.ws as SessionSocket)[SESSION] = this;
    this.ws.on('message', ChargerSession.onSocketMessage);
    this.ws.on('pong', ChargerSession.onSocketPong);
    this.ws.on('close', ChargerSession.onSocketClose);
    this.ws.on('error', ChargerSession.onSocketError);
    // The gateway's one liveness timer (liveness-wheel.ts): a dead socket is found within two intervals plus a tick.
    this.wheel.add(this);
  }

  /** RpcSessionOptions: execute() validates every command once, whoever sent it (docs/reference/design-decisions.md#commands). */
  readonly validateOutgoing = false;

  /** RpcSessionOptions: how long a command waits for the charger's answer unless its caller says otherwise. */
  get defaultTimeoutMs(): number {
    return this.limits.commandTimeoutMs;
  }

  /** RpcSessionOptions: writes one of our CALLs to the charger. */
  send(text: string): void {
    this.write(text, 'call');
  }

  private static onSocketMessage(this: WebSocket, data: RawData, isBinary: boolean): void {
    sessionOf(this).onMessage(data, isBinary);
  }

  private static onSocketPong(this: WebSocket): void {
    sessionOf(this).markAlive();
  }

  private static onSocketClose(this: WebSocket, code: number, reason: Buffer): void {
    sessionOf(this).onClosed(code, reason.toString());
  }

  private static onSocketError(this: WebSocket, err: Error): void {
    log.warn(`${sessionOf(this).chargerId}: socket error ${err.message}`);
  }

  /** `listener` is called with the session too, so one function can serve every session (the registry's does). */
  onClose(listener: SessionCloseListener): void {
    // A spread grows its new array like a push (room for 17); concat makes it the exact size.
    this.closeListeners = this.closeListeners.concat(listener);
  }

  /** True while the socket is open and not closing: a command may still be written to it. */
  get isOpen(): boolean {
    return !this.closed && this.ws.readyState === this.ws.OPEN;
  }

  /**
   * Sends a CSMS -> charger command and reports the charger's answer. `not-connected` only when nothing was
   * sent (the socket closed or was closing first); `connection-lost` when the CALL went out and the socket
   * closed before the answer; `timeout` also when the caller's deadline passed while it waited in the queue
   * (then it was never sent).
   */
  async execute(request: CommandRequest): Promise<CommandExecution> {
    if (!isOcppAction(request.action) || !csmsActions.has(request.action)) {
      return {
        reply: {
          status: 'invalid',
          reason: 'payload',
          code: 'NotImplemented',
          errors: [{ path: 'action', message: `${request.action} is not a command a central system can send in OCPP 1.6` }],
        },
      };
    }
    const valid = validatePayload(request.action, 'request', request.payload);
    if (!valid.ok) return { reply: { status: 'invalid', reason: 'payload', code: valid.code, description: valid.description, errors: valid.errors } };
    if (this.bootStatus === 'Rejected') {
      return {
        reply: {
          status: 'invalid',
          reason: 'state',
          errors: [{ path: 'action', message: 'the charger boot was Rejected: the central system sends it nothing (OCPP 1.6 §4.2)' }],
        },
      };
    }
    if (this.bootStatus === 'Pending' && NOT_WHILE_PENDING.has(request.action)) {
      return {
        reply: {
          status: 'invalid',
          reason: 'state',
          errors: [{ path: 'action', message: `the charger boot is Pending: ${request.action} is not allowed until it is Accepted (OCPP 1.6 §4.2.1)` }],
        },
      };
    }
    const started = process.hrtime.bigint();
    const execution: CommandExecution = { reply: { status: 'not-connected' } };
    execution.reply = await this.callCharger(request, () => (execution.sentAt = new Date()));
    gatewayMetrics.commandLatency.observe({ action: request.action, outcome: execution.reply.status }, Number(process.hrtime.bigint() - started) / 1e9);
    log.log(`${this.chargerId} ${request.action}: ${execution.reply.status}`, {
      event: 'command',
      chargerId: this.chargerId,
      action: request.action,
      outcome: execution.reply.status,
      latencyMs: Math.round(Number(process.hrtime.bigint() - started) / 1e6),
      requestedBy: request.requestedBy ?? request.origin ?? 'unknown',
      ...(request.commandId ? { commandId: request.commandId } : {}),
    });
    return execution;
  }

  private async callCharger(request: CommandRequest, onSent: () => void): Promise<CommandReply> {
    try {
      const result = await this.rpc.call(request.action, request.payload, {
        timeoutMs: request.timeoutMs ?? this.limits.commandTimeoutMs,
        deadline: request.deadline,
        onSent,
      });
      return { status: 'ok', result };
    } catch (err) {
      if (err instanceof CallErrorResponse) return { status: 'callerror', code: err.code, description: err.description, details: asRecord(err.details) };
      if (err instanceof CallTimeoutError || err instanceof CallExpiredError) return { status: 'timeout' };
      if (err instanceof SessionClosedError) return { status: err.sent ? 'connection-lost' : 'not-connected' };
      if (err instanceof CallSendError) return { status: 'not-connected' };
      throw err;
    }
  }

  /** Closes the socket; `terminate` skips the closing handshake (dead or flooding peers). */
  close(code: number, reason: string, terminate = false): void {
    if (this.closed) return;
    gatewayMetrics.socketsClosed.inc({ reason: reason.slice(0, 40) });
    if (terminate) this.ws.terminate();
    else this.ws.close(code, reason);
  }

  /** Resolves when the CALLs received so far have been answered (used while draining). */
  async settled(): Promise<void> {
    await this.incoming;
  }

  get pendingWork(): number {
    return this.inFlight + this.rpc.pending;
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    this.markAlive();
    if (isBinary) return this.badFrame('binary', undefined, 'FormationViolation', 'OCPP-J frames are text');
    // ws hands a Buffer (its default binaryType); Buffer.from of a Buffer would copy it first.
    const text = Buffer.isBuffer(data)
      ? data.toString('utf8')
      : Array.isArray(data)
        ? Buffer.concat(data).toString('utf8')
        : Buffer.from(data).toString('utf8');
    const frame = parseFrame(text);
    switch (frame.kind) {
      case 'call':
        gatewayMetrics.framesIn.count('call', frame.action);
        this.enqueueCall(frame.messageId, frame.action, frame.payload);
        return;
      case 'result':
      case 'error':
        gatewayMetrics.framesIn.count(frame.kind);
        // docs/reference/design-decisions.md#every-bad-frame-counts: an answer to nothing is a bad frame like any other
        // (a late answer after our timeout
        // counts once; a flood of them closes the socket).
        if (!this.rpc.handleResponse(frame)) this.countBadFrame('unmatched-answer', `answer ${frame.messageId} matches no outstanding call (late or unknown)`);
        return;
      case 'ignored':
        // OCPP-J §4.1.3: an unknown message type is ignored (not answered), but it still counts.
        return this.countBadFrame('unknown-type', `ignored frame (${frame.reason})`);
      case 'bad':
        return this.badFrame('malformed', frame.messageId, frame.code, frame.description);
    }
  }

  private badFrame(reason: string, messageId: string | undefined, code: Parameters<typeof serializeError>[1], description: string): void {
    // A CALLERROR needs an id the charger can match; without one there is nobody to answer.
    if (messageId !== undefined) this.sendError(messageId, code, description, {});
    this.countBadFrame(reason, `bad frame (${description})`);
  }

  /** Every bad frame goes through here: one metric, one rate-limited warning, one step toward the limit. */
  private countBadFrame(reason: string, warning: string): void {
    gatewayMetrics.badFrames.inc({ reason });
    this.warnings ??= new WarningThrottle((message) => log.warn(`${this.chargerId}: ${message}`));
    this.badFrames ??= new BadFrameLimiter(this.limits.badFramesPerMinute);
    this.warnings.warn(warning);
    if (this.badFrames.record() && !this.closed && this.ws.readyState === this.ws.OPEN) {
      log.warn(`${this.chargerId}: more than ${this.limits.badFramesPerMinute} bad frames in a minute, closing`);
      this.close(1002, 'too many malformed frames');
    }
  }

  private enqueueCall(messageId: string, action: string, payload: unknown): void {
    // Calls of one charger are answered in the order they came. With none in progress (the usual case: OCPP-J
    // allows one outstanding CALL) this one runs now, and one answered at once (Heartbeat, a refusal) makes no
    // promise at all (inSpanMaybeAsync says why); later calls wait behind one that is still running.
    const idle = this.inFlight === 0;
    this.inFlight++;
    if (!idle) {
      this.incoming = this.incoming.then(() => this.runCall(messageId, action, payload));
      return;
    }
    const running = this.runCall(messageId, action, payload);
    if (isPromiseLike(running)) this.incoming = running;
  }

  private runCall(messageId: string, action: string, payload: unknown): void | Promise<void> {
    try {
      // Each CALL starts its own trace: its id is the correlation id of every hop and log line it causes.
      return inSpanMaybeAsync(`ocpp ${action.slice(0, 40)}`, callSpan(this.chargerId, messageId, action), () => this.handleCall(messageId, action, payload));
    } catch (err) {
      // handleCall answers every failure itself; this is the span's own set-up failing. Running inside the socket's
      // message event, a throw here would end the process, and in the queue it would stop the calls behind it.
      log.error(`${this.chargerId}: ${action} not handled: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** Answers one CALL; never throws or rejects (a failure is answered InternalError), and counts it done. */
  private handleCall(messageId: string, action: string, payload: unknown): void | Promise<void> {
    let outcome: CallOutcome | Promise<CallOutcome>;
    try {
      outcome = this.router.route(this.chargerId, messageId, action, payload);
    } catch (err) {
      this.callDone();
      return this.answerFailure(messageId, action, err);
    }
    if (!isPromiseLike(outcome)) {
      this.callDone();
      return this.answer(messageId, action, payload, outcome);
    }
    return outcome.then(
      (o) => {
        this.callDone();
        this.answer(messageId, action, payload, o);
      },
      (err: unknown) => {
        this.callDone();
        this.answerFailure(messageId, action, err);
      },
    );
  }

  /** One CALL answered (or about to be); with none left, `incoming` lets go of the last one's promise. */
  private callDone(): void {
    if (--this.inFlight === 0) this.incoming = SETTLED;
  }

  private answer(messageId: string, action: string, payload: unknown, outcome: CallOutcome): void {
    try {
      if ('result' in outcome) {
        if (action === 'BootNotification') this.bootStatus = outcome.result.status as ChargerSession['bootStatus'];
        this.write(serializeResult(messageId, outcome.result), 'result', action);
        this.logLifecycle(action, payload, outcome.result);
      } else {
        this.sendError(messageId, outcome.error.code, outcome.error.description, outcome.error.details ?? {});
        // The charger's own mistake (not ours: InternalError) counts toward the limit.
        if (outcome.error.code !== 'InternalError') this.countBadFrame('refused-call', `${action} refused: ${outcome.error.code}`);
      }
    } catch (err) {
      this.answerFailure(messageId, action, err);
    }
  }

  private answerFailure(messageId: string, action: string, err: unknown): void {
    log.error(`${this.chargerId}: ${action} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    this.sendError(messageId, 'InternalError', 'unexpected error', {});
  }

  private sendError(messageId: string, code: Parameters<typeof serializeError>[1], description: string, details: Record<string, unknown>): void {
    gatewayMetrics.callErrors.inc({ code });
    this.write(serializeError(messageId, code, description, details), 'error');
  }

  private write(text: string, kind: 'call' | 'result' | 'error', action = ''): void {
    if (this.closed || this.ws.readyState !== this.ws.OPEN) {
      // A CALL that cannot go out must say so (RpcSession turns this into CallSendError: never sent).
      if (kind === 'call') throw new Error('socket not open');
      return;
    }
    // A charger that does not read must not make us buffer without bound. A string takes at most 3 bytes of UTF-8
    // per UTF-16 unit, so its exact length is counted only near the limit.
    const buffered = this.ws.bufferedAmount;
    const max = this.limits.maxSendBufferBytes;
    if (buffered + text.length * 3 > max && buffered + Buffer.byteLength(text) > max) {
      log.warn(`${this.chargerId}: send buffer over ${this.limits.maxSendBufferBytes} bytes, closing`);
      this.close(1008, 'send buffer full', true);
      if (kind === 'call') throw new Error('send buffer full');
      return;
    }
    gatewayMetrics.framesOut.count(kind, action);
    this.ws.send(text);
  }

  private markAlive(): void {
    this.liveness.lastAlive = Date.now();
  }

  /** When the charger was last heard from (any frame or pong), in epoch ms: set on every frame, so never a Date. */
  get lastSeenAt(): number {
    return this.liveness.lastAlive;
  }

  /** Called by the liveness wheel when this socket is due; the next time it is due, null once closed. */
  checkLiveness(now: number): number | null {
    if (this.closed) return null;
    const { action, nextDue } = livenessStep(this.liveness, now, this.limits.pingIntervalMs);
    // Two missed pongs: nothing heard for two intervals. Half-open sockets end here (docs/reference/protocol-notes.md#liveness).
    if (action === 'close') {
      log.warn(`${this.chargerId}: no pong for two ping intervals, disconnecting`);
      this.close(1001, 'pong timeout', true);
      return null;
    }
    if (action === 'ping') {
      try {
        this.ws.ping();
      } catch {
        /* socket already closing */
      }
    }
    return nextDue;
  }

  /** Boot and transaction start/stop at info, with the fields an operator searches by. */
  private logLifecycle(action: string, payload: unknown, result: Record<string, unknown>): void {
    const p = asRecord(payload);
    if (action === 'BootNotification') {
      log.log(`${this.chargerId} boot ${String(result.status)}`, {
        event: 'boot',
        chargerId: this.chargerId,
        status: result.status,
        vendor: p.chargePointVendor,
        model: p.chargePointModel,
        firmware: p.firmwareVersion,
      });
    } else if (action === 'StartTransaction') {
      log.log(`${this.chargerId} transaction ${String(result.transactionId)} started`, {
        event: 'transaction-started',
        chargerId: this.chargerId,
        transactionId: result.transactionId,
        connectorId: p.connectorId,
        meterStart: p.meterStart,
        idTagStatus: asRecord(result.idTagInfo).status,
      });
    } else if (action === 'StopTransaction') {
      log.log(`${this.chargerId} transaction ${String(p.transactionId)} stopped`, {
        event: 'transaction-stopped',
        chargerId: this.chargerId,
        transactionId: p.transactionId,
        meterStop: p.meterStop,
        reason: p.reason,
      });
    }
  }

  private onClosed(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    log.log(`${this.chargerId} disconnected (${code})`, {
      event: 'disconnected',
      chargerId: this.chargerId,
      sessionId: this.sessionId,
      closeCode: code,
      reason,
      durationS: Math.round((Date.now() - this.connectedAtMs) / 1000),
    });
    this.wheel.remove(this);
    this.rpc.close('socket closed');
    this.warnings?.flush();
    for (const listener of this.closeListeners) listener(code, reason, this);
  }
}

function callSpan(chargerId: string, messageId: string, action: string): SpanSpec {
  return {
    parent: ROOT_CONTEXT,
    kind: SpanKind.SERVER,
    attributes: { 'rpc.system': 'ocpp1.6', 'rpc.method': action, 'ocpp.charger_id': chargerId, 'ocpp.message_id': messageId },
  };
}

function asRecord(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
