/**
 * Requests on one reply subscription: the bus's requests (a service verb, a charger's BootNotification or Authorize
 * asked of its service, a command's capability lookup) and its JetStream publishes (jetstream-publisher.ts).
 *
 * The client's `nc.request` makes, per request, a mux entry, a timer armed and cleared, a deferred, and an Error with
 * its stack in `cancel()`, which it calls after every answer, a successful one too. Those were the largest library
 * costs of the durable path after the socket writes (docs/benchmarks.md#the-durable-paths-per-message-costs), and
 * the Error alone 1% of the all-in-one's thread under commands (docs/benchmarks.md#the-call-and-request-paths-on-2026-11-28).
 *
 * The protocol under it is small and stable: publish with a reply subject under this mux's inbox; the answer comes
 * there, or the server answers a 503 status without a body when nothing listens on the subject. Deadlines are
 * checked by one sweep while anything waits, not a timer per request.
 *
 * What a caller sees is what the client gave it: the same error classes (TimeoutError, NoRespondersError, the
 * connection's closed and draining errors), so retries and transient-error checks (jetstream-retry.ts) read them
 * unchanged.
 */
import {
  ClosedConnectionError,
  NoRespondersError,
  TimeoutError,
  createInbox,
  type Msg,
  type MsgHdrs,
  type NatsConnection,
  type Subscription,
} from '@nats-io/nats-core';

/** How often waiting requests are checked against their deadlines: a timeout is late by at most this. */
export const REPLY_SWEEP_MS = 100;

/** Turns an answer into the caller's value; what it throws is the request's rejection. */
export type ReadReply<T> = (msg: Msg, subject: string) => T;

interface Waiting {
  subject: string;
  deadline: number;
  read: ReadReply<unknown>;
  resolve(value: unknown): void;
  reject(err: Error): void;
}

export class ReplyMux {
  private readonly prefix = `${createInbox()}.`;
  private readonly waiting = new Map<string, Waiting>();
  private subscription?: Subscription;
  private sweep?: ReturnType<typeof setInterval>;
  private next = 0;

  constructor(
    private readonly nc: Pick<NatsConnection, 'publish' | 'subscribe'>,
    private readonly now: () => number = Date.now,
  ) {}

  /** Publishes `payload` to `subject` and resolves with `read` of the answer, or rejects at the deadline. */
  request<T>(subject: string, payload: Uint8Array, hdrs: MsgHdrs | undefined, timeoutMs: number, read: ReadReply<T>): Promise<T> {
    this.subscription ??= this.nc.subscribe(`${this.prefix}*`, { callback: (err, msg) => (err ? this.failAll(err) : this.answer(msg)) });
    const token = (this.next++).toString(36);
    return new Promise<T>((resolve, reject) => {
      try {
        this.nc.publish(subject, payload, hdrs ? { reply: this.prefix + token, headers: hdrs } : { reply: this.prefix + token });
      } catch (err) {
        // closed or draining: the caller's retry loop tells those apart
        reject(err as Error);
        return;
      }
      this.waiting.set(token, { subject, deadline: this.now() + timeoutMs, read, resolve: resolve as (value: unknown) => void, reject });
      // Unref'd: the NATS socket is what keeps a process alive while an answer can still come; without it, none will.
      this.sweep ??= setInterval(() => this.expire(), REPLY_SWEEP_MS).unref();
    });
  }

  /** How many requests wait for their answer (for tests). */
  get inFlight(): number {
    return this.waiting.size;
  }

  /** Fails what still waits: the connection is gone, no answer will come. */
  close(): void {
    this.failAll(new ClosedConnectionError());
    this.subscription = undefined;
  }

  private answer(msg: Msg): void {
    const token = msg.subject.slice(this.prefix.length);
    const w = this.waiting.get(token);
    // An answer after its deadline: the caller was told it timed out (a publish is retried with the same message id).
    if (!w) return;
    this.waiting.delete(token);
    if (msg.data.length === 0 && msg.headers?.code === 503) return w.reject(new NoRespondersError(w.subject));
    let value: unknown;
    try {
      value = w.read(msg, w.subject);
    } catch (err) {
      return w.reject(err as Error);
    }
    w.resolve(value);
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
