/**
 * The production bus: NATS core for request/reply and broadcast, JetStream for the events stream.
 * JSON on the wire; a request handler's failure travels back as a NATS service error header
 * (`Nats-Service-Error`, as NATS micro services do) and surfaces as RemoteHandlerError.
 */
import { connect } from '@nats-io/transport-node';
import {
  JetStreamApiCodes,
  JetStreamApiError,
  RetentionPolicy,
  StorageType,
  jetstream,
  jetstreamManager,
  type JetStreamClient,
  type JetStreamManager,
  type StreamConfig,
} from '@nats-io/jetstream';
import {
  ClosedConnectionError,
  DrainingConnectionError,
  NoRespondersError as NatsNoRespondersError,
  TimeoutError,
  headers,
  nanos,
  type Msg,
  type NatsConnection,
  type Subscription as NatsSubscription,
} from '@nats-io/nats-core';
import {
  DEFAULT_REQUEST_TIMEOUT_MS,
  NoRespondersError,
  RemoteHandlerError,
  RequestTimeoutError,
  type BatchHandler,
  type Bus,
  type ConsumerSpec,
  type ConsumerStats,
  type DeadLetter,
  type DeadLetterQuery,
  type DeadLetterStore,
  type DurablePublishOptions,
  type MessageHandler,
  type RequestHandler,
  type RequestOptions,
  type ServeOptions,
  type StreamReadSpec,
  type StreamReader,
  type Subscription,
} from '../bus.js';
import { decode, encode, errorMessage } from '../codec.js';
import { retryTransient } from './jetstream-retry.js';
import { Signal, delay } from '../signal.js';
import { DEFAULT_MAX_DELIVERIES } from '../poison-isolation.js';
import { DEAD_LETTERS_STREAM, DEAD_LETTER_SUBJECTS, EVENTS_STREAM, EVENT_STREAM_SUBJECTS, subjects } from '../subjects.js';
import { NatsConsumer, REPLAY_FOR_HEADER, type DeadLetterRecord } from './nats-consumer.js';
import { openNatsStreamReader } from './nats-stream-reader.js';
import { JetStreamPublisher, msgIdHeaders } from './jetstream-publisher.js';
import { ReplyMux } from './reply-mux.js';
import { flushOncePerTurn } from './flush-per-turn.js';
import { carrierOf, headersWith } from './trace-headers.js';
import { tracedBatches, tracedReceive, tracedSend } from '../trace-hops.js';
import { busLog as log } from '../bus-log.js';

export interface NatsBusOptions {
  servers: string[] | string;
  /** Connection name shown by the NATS server (service and pod). */
  name: string;
  /** Replicas of the streams when created (NATS_STREAM_REPLICAS); a start never lowers an existing stream's. */
  streamReplicas?: number;
  streamMaxAgeMs?: number;
  /** Deliveries a message may fail alone before it is dead-lettered (BUS_MAX_DELIVERIES). */
  maxDeliveries?: number;
  /** Credentials and TLS (nats-client-options.ts). */
  connection?: Partial<NonNullable<Parameters<typeof connect>[0]>>;
}

const SERVICE_ERROR_HEADER = 'Nats-Service-Error';
const SERVICE_ERROR_CODE_HEADER = 'Nats-Service-Error-Code';
/** How long publishDurable keeps retrying a transient failure (NATS restarting, leader election). */
const DURABLE_PUBLISH_DEADLINE_MS = 5_000;
/** How long a start waits for JetStream to elect the leaders it needs to manage the streams. */
const STREAM_SETUP_DEADLINE_MS = 60_000;

export class NatsBus implements Bus {
  readonly kind = 'nats' as const;
  private connected = true;
  private readonly consumers = new Set<NatsConsumer>();
  private readonly callbacks = new WeakMap<RequestHandler<unknown, unknown>, (err: Error | null, msg: Msg) => void>();
  private closing?: Promise<void>;
  private readonly reconnected = new Signal();
  /** One reply subscription for every request and JetStream publish of this connection (reply-mux.ts). */
  private readonly replies: ReplyMux;
  private readonly publisher: JetStreamPublisher;

  private constructor(
    private readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly name: string,
    private readonly maxDeliveries: number,
  ) {
    this.replies = new ReplyMux(nc);
    this.publisher = new JetStreamPublisher(this.replies);
    void this.watchStatus();
  }

  static async connect(options: NatsBusOptions): Promise<NatsBus> {
    const servers = (Array.isArray(options.servers) ? options.servers : options.servers.split(',')).map((s) => s.trim()).filter(Boolean);
    const nc = await connect({
      ...options.connection,
      servers,
      name: options.name,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 1_000,
      reconnectJitter: 500,
      reconnectJitterTLS: 1_000,
      // Async traces build two Error objects (stack captures) per request, so per JetStream publish:
      // 12% of the all-in-one's CPU under MeterValues load (--cpu-prof). Error classes stay the same.
      noAsyncTraces: true,
    });
    flushOncePerTurn(nc);
    try {
      const jsm = await jetstreamManager(nc);
      const asked = options.streamReplicas ?? 1;
      // a standalone server accepts num_replicas > 1 in an update and then cannot serve the stream: ask a cluster only
      const clustered = nc.info?.cluster !== undefined;
      if (asked > 1 && !clustered)
        log.warn(`${options.name}: NATS_STREAM_REPLICAS=${asked}, but ${nc.getServer()} is not clustered; the streams keep 1 replica`);
      const replicas = clustered ? asked : 1;
      await ensureStream(jsm, options.name, {
        name: EVENTS_STREAM,
        subjects: EVENT_STREAM_SUBJECTS,
        retention: RetentionPolicy.Limits,
        max_age: nanos(options.streamMaxAgeMs ?? 7 * 24 * 60 * 60 * 1000),
        duplicate_window: nanos(120_000),
        num_replicas: replicas,
      });
      // dead letters wait for an operator: no age limit; direct get serves the API's listing
      await ensureStream(jsm, options.name, {
        name: DEAD_LETTERS_STREAM,
        subjects: DEAD_LETTER_SUBJECTS,
        retention: RetentionPolicy.Limits,
        duplicate_window: nanos(120_000),
        allow_direct: true,
        num_replicas: replicas,
      });
      log.log(
        `${options.name}: connected to NATS ${nc.getServer()} (server ${nc.info?.version ?? '?'}), streams ${EVENTS_STREAM} and ${DEAD_LETTERS_STREAM} ready`,
      );
      return new NatsBus(nc, jetstream(nc), jsm, options.name, Math.max(1, options.maxDeliveries ?? DEFAULT_MAX_DELIVERIES));
    } catch (err) {
      await nc.close();
      throw err;
    }
  }

  private async watchStatus(): Promise<void> {
    let reconnecting = false;
    for await (const s of this.nc.status()) {
      switch (s.type) {
        case 'disconnect':
          this.connected = false;
          log.warn(`${this.name}: disconnected from NATS ${s.server}`);
          break;
        case 'reconnecting':
          if (!reconnecting) log.warn(`${this.name}: reconnecting to NATS`);
          reconnecting = true;
          break;
        case 'reconnect':
          this.connected = true;
          reconnecting = false;
          log.log(`${this.name}: reconnected to NATS ${s.server}`);
          this.reconnected.notify();
          for (const c of this.consumers) c.refetch();
          break;
        case 'error':
          log.warn(`${this.name}: NATS error: ${errorMessage(s.error)}`);
          break;
        case 'ldm':
          log.warn(`${this.name}: NATS server ${s.server} entering lame duck mode`);
          break;
        case 'staleConnection':
          log.warn(`${this.name}: NATS connection stale`);
          break;
        case 'slowConsumer':
          log.warn(`${this.name}: slow consumer on ${s.sub.getSubject()} (${s.pending} pending)`);
          break;
        case 'close':
          this.connected = false;
          this.reconnected.notify();
          // Closed for good: no answer will come, so what waits fails now instead of at its deadline.
          this.replies.close();
          log.log(`${this.name}: NATS connection closed`);
          break;
        default:
          break;
      }
    }
  }

  async request<Req, Res>(subject: string, data: Req, options: RequestOptions = {}): Promise<Res> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    return tracedSend(this.kind, 'request', subject, async (carrier) => {
      try {
        return await this.replies.request(subject, encode(data), headersWith(carrier), timeoutMs, readServiceReply<Res>);
      } catch (err) {
        if (err instanceof NatsNoRespondersError) throw new NoRespondersError(subject);
        if (err instanceof TimeoutError) throw new RequestTimeoutError(subject, timeoutMs);
        throw err;
      }
    });
  }

  async serve<Req, Res>(subject: string, handler: RequestHandler<Req, Res>, options: ServeOptions = {}): Promise<Subscription> {
    const sub = this.nc.subscribe(subject, { queue: options.queue, callback: this.answering(handler as RequestHandler<unknown, unknown>) });
    return new NatsBusSubscription(sub, this.nc);
  }

  /**
   * The subscription callback of a handler, one per handler: a gateway serves every charger's command subject with
   * the same handler, and a closure per subscription would be two objects more per connected charger. The error of
   * a failed subscription names its subject (a permissions violation, say).
   */
  private answering(handler: RequestHandler<unknown, unknown>): (err: Error | null, msg: Msg) => void {
    let callback = this.callbacks.get(handler);
    if (!callback) {
      callback = (err, msg) => {
        if (err) return void log.warn(`${this.name}: subscription failed: ${errorMessage(err)}`);
        void this.answer(msg, handler);
      };
      this.callbacks.set(handler, callback);
    }
    return callback;
  }

  private async answer(msg: Msg, handler: RequestHandler<unknown, unknown>): Promise<void> {
    let payload: Uint8Array;
    let errorHeaders: ReturnType<typeof headers> | undefined;
    try {
      payload = encode(await tracedReceive(this.kind, 'serve', msg.subject, carrierOf(msg.headers), () => handler(decode<unknown>(msg.data), msg.subject)));
    } catch (err) {
      payload = new Uint8Array();
      errorHeaders = headers();
      errorHeaders.set(SERVICE_ERROR_HEADER, errorMessage(err).replace(/[\r\n]+/g, ' '));
      errorHeaders.set(SERVICE_ERROR_CODE_HEADER, '500');
    }
    if (msg.reply) msg.respond(payload, errorHeaders ? { headers: errorHeaders } : undefined);
  }

  async publish<T>(subject: string, data: T): Promise<void> {
    await tracedSend(this.kind, 'publish', subject, async (carrier) => this.nc.publish(subject, encode(data), { headers: headersWith(carrier) }));
  }

  async subscribe<T>(subject: string, handler: MessageHandler<T>): Promise<Subscription> {
    const sub = this.nc.subscribe(subject, {
      callback: (err, msg) => {
        if (err) return void log.warn(`${this.name}: subscription ${subject} failed: ${errorMessage(err)}`);
        Promise.resolve()
          .then(() => tracedReceive(this.kind, 'process', msg.subject, carrierOf(msg.headers), async () => handler(decode<T>(msg.data), msg.subject)))
          .catch((e: unknown) => log.warn(`handler on ${subject} failed for ${msg.subject}: ${errorMessage(e)}`));
      },
    });
    return new NatsBusSubscription(sub, this.nc);
  }

  async publishDurable<T>(subject: string, data: T, options: DurablePublishOptions = {}): Promise<void> {
    return tracedSend(this.kind, 'publish', subject, (carrier) => this.storeDurable(subject, encode(data), options, carrier));
  }

  private async storeDurable(subject: string, payload: Uint8Array, options: DurablePublishOptions, carrier: Record<string, string>): Promise<void> {
    const deadline = Date.now() + DURABLE_PUBLISH_DEADLINE_MS;
    for (let attempt = 1; ; attempt++) {
      const left = deadline - Date.now();
      try {
        await this.publisher.publish(subject, payload, headersWith(carrier, msgIdHeaders(options.msgId)), Math.max(500, Math.min(left, 2_000)));
        return;
      } catch (err) {
        const permanent = err instanceof ClosedConnectionError || err instanceof DrainingConnectionError;
        if (permanent || Date.now() + 100 >= deadline) throw err;
        // the msgId makes the retry safe: a publish whose ack was lost is stored once
        await delay(Math.min(100 * attempt, Math.max(0, deadline - Date.now())));
      }
    }
  }

  async consume<T>(spec: ConsumerSpec, handler: BatchHandler<T>): Promise<Subscription> {
    if (spec.filterSubjects.length === 0) throw new Error(`consumer ${spec.durable} has no filter subjects`);
    const consumer = new NatsConsumer(
      {
        js: this.js,
        jsm: this.jsm,
        serverVersion: () => this.nc.info?.version ?? '0.0.0',
        waitConnected: async () => {
          while (!this.connected && !this.nc.isClosed()) await this.reconnected.wait(1_000);
        },
        deadLetter: async (letter: DeadLetterRecord) => {
          await this.js.publish(subjects.deadLetter(letter.consumer), encode(letter), { msgID: `${letter.consumer}:${letter.seq}`, timeout: 5_000 });
        },
        maxDeliveries: this.maxDeliveries,
      },
      spec,
      tracedBatches(this.kind, spec.durable, handler as BatchHandler<unknown>),
    );
    await consumer.start();
    this.consumers.add(consumer);
    return {
      unsubscribe: async () => {
        this.consumers.delete(consumer);
        await consumer.stop();
      },
    };
  }

  readonly deadLetters: DeadLetterStore = {
    list: async (query: DeadLetterQuery) => {
      const filter = query.consumer !== undefined ? subjects.deadLetter(query.consumer) : DEAD_LETTER_SUBJECTS[0];
      const info = await this.jsm.streams.info(DEAD_LETTERS_STREAM, { subjects_filter: filter });
      const total = Object.values(info.state.subjects ?? {}).reduce((a, b) => a + b, 0);
      const items: DeadLetter[] = [];
      if (total === 0 || query.limit === 0) return { items, total };
      let seq = Math.max(1, info.state.first_seq);
      for (let skipped = 0; items.length < query.limit;) {
        const m = await this.jsm.direct.getMessage(DEAD_LETTERS_STREAM, { seq, next_by_subj: filter });
        if (!m) break;
        seq = m.seq + 1;
        if (skipped++ < query.offset) continue;
        items.push(toDeadLetter(m.seq, m.json<DeadLetterRecord>()));
      }
      return { items, total };
    },
    get: async (id: string) => {
      const seq = deadLetterSeq(id);
      if (seq === undefined) return undefined;
      const m = await this.jsm.streams.getMessage(DEAD_LETTERS_STREAM, { seq }).catch((err: unknown) => {
        if (err instanceof JetStreamApiError && (err.code === JetStreamApiCodes.NoMessageFound || /not found/i.test(err.message))) return null;
        throw err;
      });
      return m ? toDeadLetter(m.seq, m.json<DeadLetterRecord>()) : undefined;
    },
    remove: async (id: string) => {
      const seq = deadLetterSeq(id);
      if (seq === undefined || !(await this.deadLetters.get(id))) return false;
      return this.jsm.streams.deleteMessage(DEAD_LETTERS_STREAM, seq, false).catch((err: unknown) => {
        // removed meanwhile (another API replica): the server's wording differs between versions
        if (err instanceof JetStreamApiError && (err.code === JetStreamApiCodes.NoMessageFound || /not found/i.test(err.message))) return false;
        throw err;
      });
    },
    replay: async (id: string) => {
      const letter = await this.deadLetters.get(id);
      if (!letter) return undefined;
      const h = headers();
      h.set(REPLAY_FOR_HEADER, letter.consumer);
      await this.js.publish(letter.subject, encode(letter.data), { headers: h, msgID: `replay:${letter.consumer}:${letter.seq}:${id}`, timeout: 5_000 });
      await this.deadLetters.remove(id);
      return letter;
    },
  };

  async consumerStats(consumer?: string): Promise<ConsumerStats[]> {
    return Promise.all([...this.consumers].filter((c) => consumer === undefined || c.durable === consumer).map((c) => c.stats()));
  }

  readStream<T>(spec: StreamReadSpec): Promise<StreamReader<T>> {
    if (spec.filterSubjects.length === 0) throw new Error('a stream reader needs filter subjects');
    const [major = 0, minor = 0] = (this.nc.info?.version ?? '0.0.0').split('.').map((p) => parseInt(p, 10));
    return openNatsStreamReader<T>({ js: this.js, jsm: this.jsm, multipleFilters: () => major > 2 || (major === 2 && minor >= 10) }, spec);
  }

  async healthy(): Promise<boolean> {
    if (!this.connected || this.nc.isClosed()) return false;
    try {
      await this.jsm.streams.info(EVENTS_STREAM);
      return true;
    } catch {
      return false;
    }
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      await Promise.all([...this.consumers].map((c) => c.stop()));
      this.consumers.clear();
      if (!this.nc.isClosed()) await this.nc.drain().catch(() => this.nc.close());
      this.replies.close();
    })();
    return this.closing;
  }
}

/** A core NATS subscription as the bus hands it out: an object of two fields, not a closure with its context. */
class NatsBusSubscription implements Subscription {
  constructor(
    private readonly sub: NatsSubscription,
    private readonly nc: NatsConnection,
  ) {}

  async unsubscribe(): Promise<void> {
    if (!this.sub.isClosed() && !this.nc.isClosed()) await this.sub.drain().catch(() => this.sub.unsubscribe());
  }
}

/** A served answer (NatsBus.answer): the handler's value, or its failure in the service-error header. */
function readServiceReply<Res>(reply: Msg, subject: string): Res {
  if (reply.headers?.has(SERVICE_ERROR_HEADER)) throw new RemoteHandlerError(subject, reply.headers.get(SERVICE_ERROR_HEADER) ?? 'remote handler failed');
  return decode<Res>(reply.data);
}

/**
 * Creates the stream with the replicas asked for, or updates an existing one without ever lowering its
 * replicas (an operator may have raised them); raising them is tried, and logged when the cluster refuses.
 */
async function ensureStream(jsm: JetStreamManager, who: string, config: Partial<StreamConfig> & { name: string; num_replicas: number }): Promise<void> {
  await retryTransient(() => ensureStreamOnce(jsm, who, config), {
    deadlineMs: STREAM_SETUP_DEADLINE_MS,
    onRetry: (err, attempt) => log.warn(`${who}: stream ${config.name} not manageable yet (${errorMessage(err)}), retry ${attempt}`),
  });
}

async function ensureStreamOnce(jsm: JetStreamManager, who: string, config: Partial<StreamConfig> & { name: string; num_replicas: number }): Promise<void> {
  let current: StreamConfig;
  try {
    current = (await jsm.streams.info(config.name)).config;
  } catch (err) {
    if (!isNotFound(err)) throw err;
    try {
      await jsm.streams.add({ storage: StorageType.File, ...config });
    } catch (e) {
      throw new Error(`stream ${config.name} could not be created with ${config.num_replicas} replica(s) (NATS_STREAM_REPLICAS): ${errorMessage(e)}`, {
        cause: e,
      });
    }
    return;
  }
  const existing = current.num_replicas;
  const { name, ...rest } = config;
  const wanted = { ...rest, num_replicas: Math.max(existing, config.num_replicas) };
  // every pod start used to update the stream; an update while a stream changes replicas times out
  const same = (Object.keys(wanted) as Array<keyof typeof wanted>).every((k) => JSON.stringify(current[k]) === JSON.stringify(wanted[k]));
  if (existing > config.num_replicas)
    log.log(`${who}: stream ${name} keeps its ${existing} replicas (NATS_STREAM_REPLICAS=${config.num_replicas} never lowers them)`);
  if (same) return;
  if (existing >= config.num_replicas) {
    await jsm.streams.update(name, wanted);
    return;
  }
  log.warn(`${who}: stream ${name} has ${existing} replica(s), fewer than NATS_STREAM_REPLICAS=${config.num_replicas}; raising it`);
  try {
    await jsm.streams.update(name, wanted);
  } catch (err) {
    log.warn(`${who}: stream ${name} stays at ${existing} replica(s): the cluster refused ${config.num_replicas} (${errorMessage(err)})`);
    const unchangedReplicas = { ...rest, num_replicas: existing };
    if (
      !(Object.keys(unchangedReplicas) as Array<keyof typeof unchangedReplicas>).every(
        (k) => JSON.stringify(current[k]) === JSON.stringify(unchangedReplicas[k]),
      )
    ) {
      await jsm.streams.update(name, unchangedReplicas);
    }
  }
}

function deadLetterSeq(id: string): number | undefined {
  return /^[1-9][0-9]{0,15}$/.test(id) ? Number(id) : undefined;
}

function toDeadLetter(seq: number, r: DeadLetterRecord): DeadLetter {
  return {
    id: String(seq),
    consumer: r.consumer,
    subject: r.subject,
    seq: r.seq,
    data: r.data,
    error: r.error,
    attempts: r.attempts,
    deadLetteredAt: r.deadLetteredAt,
  };
}

function isNotFound(err: unknown): boolean {
  return err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound;
}
