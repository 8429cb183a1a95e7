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
  /** Milliseconds to wait for a reply. */
  timeoutMs?: number;
}

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
  /** How long a delivered batch may stay un-acked before redelivery (ms). */
  ackWaitMs?: number;
}

/**
 * Handles one batch. Resolving acks every message of the batch; rejecting leaves them un-acked
 * so they are redelivered (after a back-off). Handlers must be idempotent.
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
  constructor(readonly subject: string, readonly timeoutMs: number) {
    super(`no reply on ${subject} within ${timeoutMs} ms`);
    this.name = 'RequestTimeoutError';
  }
}

/** Thrown by a request handler's side and carried back to the requester as a rejection. */
export class RemoteHandlerError extends Error {
  readonly code = 'BUS_REMOTE_ERROR';
  constructor(readonly subject: string, message: string) {
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

  /** True while the transport is usable (connected, stream reachable). */
  healthy(): Promise<boolean>;
  /** Stops consumers after their in-flight batch, flushes, and closes. */
  close(): Promise<void>;
}
