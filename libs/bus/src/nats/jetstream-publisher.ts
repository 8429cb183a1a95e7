/**
 * JetStream publish-and-ack for the events stream, on one reply subscription for every publish.
 *
 * The client's `js.publish` is a core request per message: a mux entry, a timer armed and cleared, a deferred, and an
 * Error built with its stack in every request's `cancel()`, even a successful one. At a few thousand MeterValues a
 * second that was the largest library cost of the durable path after the socket writes
 * (docs/benchmarks.md#the-durable-paths-per-message-costs).
 *
 * The protocol under it is small and stable: publish with a reply subject; the stream answers there with a PubAck
 * (`{stream, seq, duplicate}`) or an API error (`{error: {code, err_code, description}}`), and the server answers a
 * 503 status when nothing stores the subject. Deadlines are checked by one sweep while anything waits, not a timer
 * per message.
 *
 * What a caller sees is what `js.publish` gave it: the same error classes (TimeoutError, NoRespondersError,
 * JetStreamApiError, the connection's closed and draining errors), so retries and transient-error checks
 * (jetstream-retry.ts) read them unchanged.
 */
import { JetStreamApiError, PubHeaders } from '@nats-io/jetstream';
import {
  ClosedConnectionError,
  NoRespondersError,
  TimeoutError,
  createInbox,
  headers,
  type Msg,
  type MsgHdrs,
  type NatsConnection,
  type Subscription,
} from '@nats-io/nats-core';

/** How often waiting publishes are checked against their deadlines: a timeout is late by at most this. */
export const PUBACK_SWEEP_MS = 100;

/** Headers holding the message id, or none (no header block on the wire) when there is none. */
export function msgIdHeaders(msgId: string | undefined): MsgHdrs | undefined {
  if (msgId === undefined) return undefined;
  const h = headers();
  // JetStream's deduplication header: a second publish with the same id within the stream's window is stored once.
  h.set(PubHeaders.MsgIdHdr, msgId);
  return h;
}

/** The PubAck or API error a stream answers a publish with (JetStream's JSON). */
interface PubAckReply {
  stream?: string;
  seq?: number;
  duplicate?: boolean;
  error?: { code: number; err_code: number; description: string };
}

interface Waiting {
  subject: string;
  deadline: number;
  resolve(): void;
  reject(err: Error): void;
}

export class JetStreamPublisher {
  private readonly prefix = `${createInbox()}.`;
  private readonly waiting = new Map<string, Waiting>();
  private subscription?: Subscription;
  private sweep?: ReturnType<typeof setInterval>;
  private next = 0;

  constructor(
    private readonly nc: Pick<NatsConnection, 'publish' | 'subscribe'>,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Resolves once the stream stored the message (or already had its `Nats-Msg-Id`: a duplicate is stored once, which
   * is what the caller wanted). `hdrs` carries the message id and the trace context.
   */
  publish(subject: string, payload: Uint8Array, hdrs: MsgHdrs | undefined, timeoutMs: number): Promise<void> {
    this.subscription ??= this.nc.subscribe(`${this.prefix}*`, { callback: (err, msg) => (err ? this.failAll(err) : this.answer(msg)) });
    const token = (this.next++).toString(36);
    return new Promise<void>((resolve, reject) => {
      try {
        this.nc.publish(subject, payload, hdrs ? { reply: this.prefix + token, headers: hdrs } : { reply: this.prefix + token });
      } catch (err) {
        // closed or draining: the caller's retry loop tells those apart
        reject(err as Error);
        return;
      }
      this.waiting.set(token, { subject, deadline: this.now() + timeoutMs, resolve, reject });
      // Unref'd: the NATS socket is what keeps a process alive while a PubAck can still come; without it, none will.
      this.sweep ??= setInterval(() => this.expire(), PUBACK_SWEEP_MS).unref();
    });
  }

  /** How many publishes wait for their PubAck (for tests). */
  get inFlight(): number {
    return this.waiting.size;
  }

  /** Fails what still waits: the connection is gone, no PubAck will come. */
  close(): void {
    this.failAll(new ClosedConnectionError());
    this.subscription = undefined;
  }

  private answer(msg: Msg): void {
    const token = msg.subject.slice(this.prefix.length);
    const w = this.waiting.get(token);
    // A PubAck after its deadline: the caller has retried with the same message id, and the stream keeps one.
    if (!w) return;
    this.waiting.delete(token);
    if (msg.data.length === 0 && msg.headers?.code === 503) return w.reject(new NoRespondersError(w.subject));
    let reply: PubAckReply;
    try {
      reply = msg.json<PubAckReply>();
    } catch (err) {
      return w.reject(new Error(`JetStream answered a publish to ${w.subject} with something that is not JSON`, { cause: err }));
    }
    if (reply.error) return w.reject(new JetStreamApiError(reply.error));
    if (!reply.stream) return w.reject(new Error(`JetStream answered a publish to ${w.subject} without a stream (invalid PubAck)`));
    w.resolve();
  }

  private expire(): void {
    const now = this.now();
    for (const [token, w] of this.waiting) {
      if (w.deadline > now) continue;
      this.waiting.delete(token);
      w.reject(new TimeoutError());
    }
    this.stopSweepWhenIdle();
  }

  private failAll(err: Error): void {
    for (const w of this.waiting.values()) w.reject(err);
    this.waiting.clear();
    this.stopSweepWhenIdle();
  }

  private stopSweepWhenIdle(): void {
    if (this.waiting.size > 0 || !this.sweep) return;
    clearInterval(this.sweep);
    this.sweep = undefined;
  }
}
