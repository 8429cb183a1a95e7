/**
 * The transport contract shared by the NATS/JetStream bus and the in-process bus.
 *
 * Both implementations give the same semantics, so a service cannot tell which one it runs on:
 * - request/reply with queue groups (exactly one member of a group answers);
 * - fire-and-forget publish / broadcast subscribe (every subscriber gets it);
 * - durable publish, resolved only once the stream has stored the message;
 * - durable consumers with explicit ack, delivering in batches, redelivering what was not acked.
 */

export interface RequestOptions {
  /** Milliseconds to wait for a reply (DEFAULT_REQUEST_TIMEOUT_MS when omitted). */
  timeoutMs?: number;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

export interface ServeOptions {
  /** Queue group: one member of the group answers each request. Omit to answer every request. */
  queue?: string;
}

export interface Subscription {
  unsubscribe(): Promise<void>;
}

export interface DurablePublishOptions {
  /** De-duplication id: a second publish with the same id within the stream's window is stored once. */
  msgId?: string;
}

export interface DurableMessage<T = unknown> {
  subject: string;
  data: T;
  /** Stream sequence number: unique and increasing within the stream. */
  seq: number;
  /** 1 on first delivery, more on redelivery. */
  deliveryCount: number;
  /** The publisher's trace context (`traceparent`), for work done per message (docs/deploy.md#37-logs-and-traces). */
  trace?: Record<string, string>;
}

export interface ConsumerSpec {
  /** Durable consumer name; survives restarts and is shared by every replica of the consuming service. */
  durable: string;
  /** Subjects (wildcards allowed) this consumer wants from the events stream. */
  filterSubjects: string[];
  /** Largest batch handed to the handler at once. */
  maxBatch?: number;
  /** How long to wait to fill a batch once the first message arrived (ms). */
  maxWaitMs?: number;
  /** How long a delivered batch may stay un-acked before redelivery (ms). Default 30 s, on both buses. */
  ackWaitMs?: number;
}

/** A message a consumer could not process after its last allowed delivery (docs/reference/design-decisions.md#poison-messages). */
export interface DeadLetter {
  /** Stable id in the dead-letter store (NATS: the sequence in OCPP_DEAD_LETTERS). */
  id: string;
  consumer: string;
  /** The subject it was published on, and where a replay publishes it again. */
  subject: string;
  /** Its sequence in the events stream. */
  seq: number;
  data: unknown;
  error: string;
  attempts: number;
  deadLetteredAt: string;
}

export interface DeadLetterQuery {
  consumer?: string;
  limit: number;
  offset: number;
}

/** The dead letters of every consumer: durable, shared by every process on the same bus. */
export interface DeadLetterStore {
  list(query: DeadLetterQuery): Promise<{ items: DeadLetter[]; total: number }>;
  get(id: string): Promise<DeadLetter | undefined>;
  /** Publishes the message again on its subject for its consumer only, then removes the dead letter. */
  replay(id: string): Promise<DeadLetter | undefined>;
  remove(id: string): Promise<boolean>;
}

/** What a consumer of this process looks like (metrics and readiness). */
export interface ConsumerStats {
  consumer: string;
  /** Messages waiting for this consumer, delivered-but-unacked included. */
  pending: number;
  /** Messages handed again after a failed or expired delivery, since this process started. */
  redelivered: number;
  /** Messages this process dead-lettered for the consumer. */
  deadLettered: number;
  /** Messages wait and nothing was processed or dead-lettered for CONSUMER_STALL_MS. */
  stalled: boolean;
}

/**
 * Handles one batch. Resolving acks every message of the batch. Rejecting makes the bus split the batch
 * (halves, recursively) until the failing messages are alone: the others are acked at once, a failing
 * one is redelivered after a back-off and dead-lettered after BUS_MAX_DELIVERIES deliveries. So a
 * handler may see a message more than once within one delivery: handlers must be idempotent.
 */
export type BatchHandler<T = unknown> = (batch: DurableMessage<T>[]) => Promise<void>;

/** What `readStream` reads: a window on the events stream, for one live reader (no ack, nothing kept). */
export interface StreamReadSpec {
  /** Subjects (wildcards allowed) wanted from the events stream. */
  filterSubjects: string[];
  /**
   * First sequence to deliver (inclusive). Absent: only messages stored from now on. A sequence below the
   * stream's first one starts at the first one (older messages are gone); a sequence more than one past the
   * stream's last one (the stream was recreated, so sequences started again) also starts at the first one.
   */
  startSeq?: number;
}

export interface StreamedMessage<T = unknown> {
  subject: string;
  data: T;
  /** Stream sequence number. */
  seq: number;
  /** How many stored messages are still to be read after this one (0: caught up). An estimate: never 0 while behind. */
  pending: number;
}

/** An ordered, ephemeral read of the events stream; stops pulling when the iteration is not advanced. */
export interface StreamReader<T = unknown> extends AsyncIterable<StreamedMessage<T>> {
  /** Ends the iteration (a pending `next` resolves done) and frees the server-side consumer. */
  close(): Promise<void>;
}

export type RequestHandler<Req = unknown, Res = unknown> = (data: Req, subject: string) => Promise<Res>;
export type MessageHandler<T = unknown> = (data: T, subject: string) => void | Promise<void>;

/** Thrown by `request` when nobody listens on the subject (NATS "no responders"). */
export class NoRespondersError extends Error {
  readonly code = 'BUS_NO_RESPONDERS';
  constructor(readonly subject: string) {
    super(`no responders on ${subject}`);
    this.name = 'NoRespondersError';
  }
}

/** Thrown by `request` when no reply came within the timeout. */
export class RequestTimeoutError extends Error {
  readonly code = 'BUS_TIMEOUT';
  constructor(
    readonly subject: string,
    readonly timeoutMs: number,
  ) {
    super(`no reply on ${subject} within ${timeoutMs} ms`);
    this.name = 'RequestTimeoutError';
  }
}

/** Thrown by a request handler's side and carried back to the requester as a rejection. */
export class RemoteHandlerError extends Error {
  readonly code = 'BUS_REMOTE_ERROR';
  constructor(
    readonly subject: string,
    message: string,
  ) {
    super(message);
    this.name = 'RemoteHandlerError';
  }
}

export interface Bus {
  /** A short name of the implementation, for logs and the health endpoint. */
  readonly kind: 'nats' | 'in-process';

  request<Req, Res>(subject: string, data: Req, options?: RequestOptions): Promise<Res>;
  serve<Req, Res>(subject: string, handler: RequestHandler<Req, Res>, options?: ServeOptions): Promise<Subscription>;

  publish<T>(subject: string, data: T): Promise<void>;
  subscribe<T>(subject: string, handler: MessageHandler<T>): Promise<Subscription>;

  /** Resolves once the events stream stored the message (JetStream ack); rejects otherwise. */
  publishDurable<T>(subject: string, data: T, options?: DurablePublishOptions): Promise<void>;
  consume<T>(spec: ConsumerSpec, handler: BatchHandler<T>): Promise<Subscription>;
  /**
   * Reads the events stream from a sequence, in order, without a durable consumer: for live readers that
   * resume by sequence (the API's event stream, `Last-Event-ID`). Nothing is acked; closing leaves no trace.
   */
  readStream<T>(spec: StreamReadSpec): Promise<StreamReader<T>>;

  /** Dead letters of every consumer on this bus. */
  readonly deadLetters: DeadLetterStore;
  /**
   * The durable consumers this process runs, or only the one named `consumer` (on NATS each is a request to the
   * server: a caller that polls one consumer asks for that one).
   */
  consumerStats(consumer?: string): Promise<ConsumerStats[]>;

  /** True while the transport is usable (connected, stream reachable). */
  healthy(): Promise<boolean>;
  /** Stops consumers after their in-flight batch, flushes, and closes. */
  close(): Promise<void>;
}
