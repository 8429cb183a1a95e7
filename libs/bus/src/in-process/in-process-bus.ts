/**
 * The bus of the all-in-one process: one instance shared by every service in it. It keeps NATS's
 * semantics (subject wildcards, queue groups, no-responders, timeouts, JSON copies of the data,
 * asynchronous delivery) so a service cannot tell it from NatsBus.
 */
import { DEFAULT_REQUEST_TIMEOUT_MS, NoRespondersError, RemoteHandlerError, RequestTimeoutError } from '../bus.js';
// The contract's types by name (contract.MessageHandler): this class is one of its two implementations.
import type * as contract from '../bus.js';
import { errorMessage, fromJson, toJson } from '../codec.js';
import { EVENT_STREAM_SUBJECTS } from '../subjects.js';
import { assertValidSubject, isLiteralSubject, subjectMatches } from '../subject-match.js';
import { DurableStream, type DurableStreamOptions } from './durable-stream.js';
import { busLog as log } from '../bus-log.js';
import type { TraceCarrier } from '#csms/tracing';
import { tracedBatches, tracedReceive, tracedSend } from '../trace-hops.js';

export type InProcessBusOptions = DurableStreamOptions;

interface Listener {
  filter: string;
  queue?: string;
  /** Present for `serve`: its result is the reply. */
  reply?: contract.RequestHandler<unknown, unknown>;
  handler?: contract.MessageHandler<unknown>;
}

/** The stream has no subject matching (JetStream answers such a publish with "no responders"). */
export class NoStreamError extends Error {
  readonly code = 'BUS_NO_STREAM';
  constructor(readonly subject: string) {
    super(`no stream stores ${subject}`);
    this.name = 'NoStreamError';
  }
}

export class InProcessBus implements contract.Bus {
  readonly kind = 'in-process' as const;
  private readonly listeners = new Set<Listener>();
  /**
   * The listeners again, by filter: those without wildcards under their one subject, the others in a list matched
   * against every subject. Each charger's command subscription is a literal one, so with every listener in one list
   * a request or publish was matched against the whole fleet's subscriptions.
   */
  private readonly literal = new Map<string, Set<Listener>>();
  private readonly patterns = new Set<Listener>();
  private readonly roundRobin = new Map<string, number>();
  private readonly stream: Promise<DurableStream>;
  private closed = false;

  /** Prefer `InProcessBus.open` when journaling: it reports a journal that cannot be read. */
  constructor(options: InProcessBusOptions = {}) {
    this.stream = DurableStream.open(options);
    this.stream.catch(() => undefined); // surfaced by the first durable call (or by `open`)
  }

  static async open(options: InProcessBusOptions = {}): Promise<InProcessBus> {
    const bus = new InProcessBus(options);
    await bus.stream;
    return bus;
  }

  async request<Req, Res>(subject: string, data: Req, options: contract.RequestOptions = {}): Promise<Res> {
    this.assertOpen();
    assertValidSubject(subject, false);
    const json = toJson(data);
    const targets = this.route(subject);
    if (targets.length === 0) throw new NoRespondersError(subject);
    const timeoutMs = options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    return tracedSend(this.kind, 'request', subject, (carrier) => this.ask<Res>(subject, json, targets, timeoutMs, carrier));
  }

  /** Like NATS: the request and its carrier go to every target; the first reply (or failure) wins. */
  private ask<Res>(subject: string, json: string, targets: Listener[], timeoutMs: number, carrier: TraceCarrier): Promise<Res> {
    return new Promise<Res>((resolve, reject) => {
      let settled = false;
      const timer = setTimeout(() => finish(() => reject(new RequestTimeoutError(subject, timeoutMs))), timeoutMs);
      const finish = (settle: () => void): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        settle();
      };
      for (const target of targets) {
        setImmediate(() => {
          const reply = target.reply;
          if (reply) {
            if (!this.listeners.has(target)) return;
            Promise.resolve()
              .then(() => tracedReceive(this.kind, 'serve', subject, carrier, async () => reply(fromJson(json), subject)))
              .then(
                (reply) => {
                  const replyJson = toJson(reply);
                  setImmediate(() => finish(() => resolve(fromJson<Res>(replyJson))));
                },
                (err: unknown) => setImmediate(() => finish(() => reject(new RemoteHandlerError(subject, errorMessage(err))))),
              );
          } else {
            this.deliver(target, json, subject, carrier);
          }
        });
      }
    });
  }

  async serve<Req, Res>(subject: string, handler: contract.RequestHandler<Req, Res>, options: contract.ServeOptions = {}): Promise<contract.Subscription> {
    this.assertOpen();
    assertValidSubject(subject, true);
    // the contract's handler types are generic per call; stored type-erased and fed JSON copies
    return this.listen({ filter: subject, queue: options.queue, reply: handler as contract.RequestHandler<unknown, unknown> });
  }

  async publish<T>(subject: string, data: T): Promise<void> {
    this.assertOpen();
    assertValidSubject(subject, false);
    const json = toJson(data);
    await tracedSend(this.kind, 'publish', subject, async (carrier) => {
      for (const target of this.route(subject)) setImmediate(() => this.deliver(target, json, subject, carrier));
    });
  }

  async subscribe<T>(subject: string, handler: contract.MessageHandler<T>): Promise<contract.Subscription> {
    this.assertOpen();
    assertValidSubject(subject, true);
    return this.listen({ filter: subject, handler: handler as contract.MessageHandler<unknown> });
  }

  async publishDurable<T>(subject: string, data: T, options: contract.DurablePublishOptions = {}): Promise<void> {
    this.assertOpen();
    assertValidSubject(subject, false);
    if (!EVENT_STREAM_SUBJECTS.some((f) => subjectMatches(f, subject))) throw new NoStreamError(subject);
    const stream = await this.stream;
    const json = toJson(data);
    await tracedSend(this.kind, 'publish', subject, (carrier) => stream.publish(subject, json, options.msgId, undefined, carrier));
  }

  async consume<T>(spec: contract.ConsumerSpec, handler: contract.BatchHandler<T>): Promise<contract.Subscription> {
    this.assertOpen();
    if (spec.filterSubjects.length === 0) throw new Error(`consumer ${spec.durable} has no filter subjects`);
    for (const f of spec.filterSubjects) assertValidSubject(f, true);
    const stream = await this.stream;
    return stream.consume(spec, tracedBatches(this.kind, spec.durable, handler as contract.BatchHandler<unknown>));
  }

  readonly deadLetters: contract.DeadLetterStore = {
    list: async (query: contract.DeadLetterQuery) => (await this.stream).deadLetters.list(query),
    get: async (id: string) => (await this.stream).deadLetters.get(id),
    remove: async (id: string) => (await this.stream).deadLetters.remove(id),
    replay: async (id: string): Promise<contract.DeadLetter | undefined> => {
      this.assertOpen();
      const stream = await this.stream;
      const letter = stream.deadLetters.get(id);
      if (!letter) return undefined;
      await stream.publish(letter.subject, toJson(letter.data), undefined, letter.consumer);
      await stream.deadLetters.remove(id);
      return letter;
    },
  };

  async consumerStats(consumer?: string): Promise<contract.ConsumerStats[]> {
    const stream = await this.stream.catch(() => undefined);
    return stream?.stats(consumer) ?? [];
  }

  async readStream<T>(spec: contract.StreamReadSpec): Promise<contract.StreamReader<T>> {
    this.assertOpen();
    if (spec.filterSubjects.length === 0) throw new Error('a stream reader needs filter subjects');
    for (const f of spec.filterSubjects) assertValidSubject(f, true);
    return (await this.stream).read<T>(spec);
  }

  async healthy(): Promise<boolean> {
    if (this.closed) return false;
    try {
      await this.stream;
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.listeners.clear();
    this.literal.clear();
    this.patterns.clear();
    const stream = await this.stream.catch(() => undefined);
    await stream?.close();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('bus closed');
  }

  private listen(listener: Listener): contract.Subscription {
    this.listeners.add(listener);
    const index = isLiteralSubject(listener.filter) ? this.literalIndex(listener.filter) : this.patterns;
    index.add(listener);
    return {
      unsubscribe: async () => {
        this.listeners.delete(listener);
        index.delete(listener);
        if (index.size === 0 && this.literal.get(listener.filter) === index) this.literal.delete(listener.filter);
      },
    };
  }

  private literalIndex(subject: string): Set<Listener> {
    let index = this.literal.get(subject);
    if (!index) {
      index = new Set();
      this.literal.set(subject, index);
    }
    return index;
  }

  /** Who gets a message: every listener without a queue, and one member of each queue group (round-robin). */
  private route(subject: string): Listener[] {
    const targets: Listener[] = [];
    const groups = new Map<string, Listener[]>();
    const take = (l: Listener): void => {
      if (l.queue === undefined) targets.push(l);
      else groups.set(l.queue, [...(groups.get(l.queue) ?? []), l]);
    };
    for (const l of this.literal.get(subject) ?? []) take(l);
    for (const l of this.patterns) if (subjectMatches(l.filter, subject)) take(l);
    for (const [queue, members] of groups) {
      const turn = this.roundRobin.get(queue) ?? 0;
      this.roundRobin.set(queue, turn + 1);
      targets.push(members[turn % members.length]);
    }
    return targets;
  }

  /** A published message (or a request to a plain subscriber): no reply. */
  private deliver(target: Listener, json: string, subject: string, carrier: TraceCarrier): void {
    if (!this.listeners.has(target)) return;
    const run = target.reply ?? target.handler;
    Promise.resolve()
      .then(() => tracedReceive(this.kind, 'process', subject, carrier, async () => run?.(fromJson(json), subject)))
      .catch((err: unknown) => log.warn(`handler on ${target.filter} failed for ${subject}: ${errorMessage(err)}`));
  }
}
