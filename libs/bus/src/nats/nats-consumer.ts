/**
 * One durable pull consumer of the events stream: a puller fetches into a bounded local queue, a
 * processor hands batches to the handler (one in flight). A rejected batch is split until the failing
 * messages are alone (poison-isolation.ts): the others are acked at once, a failing one is nak'd with a
 * back-off, and after BUS_MAX_DELIVERIES it is published to the dead-letter stream and acked. A handler
 * that does not settle within the ack wait counts as failed (the server redelivers it then anyway).
 * Both loops survive NATS restarts: the puller re-creates the consumer when it is gone and fetches again.
 */
import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  type ConsumerConfig,
  type ConsumerMessages,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/nats-core';
import type { BatchHandler, ConsumerSpec, ConsumerStats, DeadLetter, DurableMessage } from '../bus.js';
import { decode, errorMessage } from '../codec.js';
import { BatchIsolator, CONSUMER_STALL_MS, withinAckWait } from '../poison-isolation.js';
import { Signal, delay, redeliveryDelayMs } from '../signal.js';
import { EVENTS_STREAM } from '../subjects.js';
import { subjectMatches } from '../subject-match.js';
import { carrierOf } from './trace-headers.js';
import { busLog as log } from '../bus-log.js';

export interface ConsumerHost {
  js: JetStreamClient;
  jsm: JetStreamManager;
  /** Version of the connected server, e.g. "2.10.4". */
  serverVersion(): string;
  /** Resolves once connected (at once when connected): requests sent while disconnected only time out. */
  waitConnected(): Promise<void>;
  /** Stores a dead letter durably (resolves once the dead-letter stream acked it). */
  deadLetter(letter: DeadLetterRecord): Promise<void>;
  maxDeliveries: number;
}

/** A dead letter as published on the dead-letter stream (its id is its sequence there). */
export type DeadLetterRecord = Omit<DeadLetter, 'id'>;

/** Header of a replayed dead letter: only the named durable consumer processes it; the others ack it. */
export const REPLAY_FOR_HEADER = 'Csms-Replay-For';

/** How long one pull request stays open on the server. Short enough to notice a lost server quickly. */
const FETCH_EXPIRES_MS = 5_000;

function atLeast(version: string, major: number, minor: number): boolean {
  const [ma = 0, mi = 0] = version.split('.').map((p) => parseInt(p, 10));
  return ma > major || (ma === major && mi >= minor);
}

export class NatsConsumer {
  private readonly queue: JsMsg[] = [];
  private stopped = false;
  private readonly arrived = new Signal();
  private readonly space = new Signal();
  private readonly stopping = new Signal();
  private current?: ConsumerMessages;
  private puller?: Promise<void>;
  private processor?: Promise<void>;
  private readonly maxBatch: number;
  private readonly maxWaitMs: number;
  private readonly ackWaitMs: number;
  private readonly isolator: BatchIsolator;
  private redelivered = 0;
  private deadLettered = 0;
  private lastProgressAt = Date.now();

  constructor(
    private readonly host: ConsumerHost,
    private readonly spec: ConsumerSpec,
    private readonly handler: BatchHandler<unknown>,
  ) {
    this.maxBatch = Math.max(1, spec.maxBatch ?? 256);
    this.maxWaitMs = Math.max(0, spec.maxWaitMs ?? 10);
    this.ackWaitMs = Math.max(1_000, spec.ackWaitMs ?? 30_000);
    this.isolator = new BatchIsolator(host.maxDeliveries);
  }

  get durable(): string {
    return this.spec.durable;
  }

  /** Pending from the server (shared by every replica of the service); the counts are this process's. */
  async stats(): Promise<ConsumerStats> {
    let pending: number;
    try {
      const info = await this.host.jsm.consumers.info(EVENTS_STREAM, this.spec.durable);
      pending = info.num_pending + info.num_ack_pending;
    } catch {
      pending = this.queue.length;
    }
    if (pending === 0) this.lastProgressAt = Date.now();
    return {
      consumer: this.spec.durable,
      pending,
      redelivered: this.redelivered,
      deadLettered: this.deadLettered,
      stalled: pending > 0 && Date.now() - this.lastProgressAt > CONSUMER_STALL_MS,
    };
  }

  /** Creates or updates the durable consumer, then starts the loops. */
  async start(): Promise<void> {
    let ensured = true;
    try {
      await this.ensureConsumer();
    } catch (err) {
      // a refused config is the caller's bug; anything else (NATS restarting) is retried by the puller
      if (err instanceof JetStreamApiError) throw err;
      log.warn(`consumer ${this.spec.durable}: not created yet (${errorMessage(err)}); retrying in the background`);
      ensured = false;
    }
    this.puller = this.pull(ensured ? 0 : 1);
    this.processor = this.process();
  }

  /** Ends the current fetch so the puller starts a fresh one (after a reconnect the old pull is gone). */
  refetch(): void {
    this.current?.stop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.current?.stop();
    this.arrived.notify();
    this.space.notify();
    this.stopping.notify();
    await Promise.all([this.puller, this.processor]);
  }

  private filterConfig(): Partial<ConsumerConfig> {
    const filters = this.spec.filterSubjects;
    if (filters.length === 1) return { filter_subject: filters[0] };
    // servers before 2.10 ignore filter_subjects: take everything and filter here (see `process`)
    return atLeast(this.host.serverVersion(), 2, 10) ? { filter_subjects: filters } : {};
  }

  private async ensureConsumer(): Promise<void> {
    const { jsm } = this.host;
    const updatable: Partial<ConsumerConfig> = {
      ack_wait: nanos(this.ackWaitMs),
      max_ack_pending: Math.max(1_000, this.maxBatch * 4),
      ...this.filterConfig(),
    };
    try {
      const info = await jsm.consumers.info(EVENTS_STREAM, this.spec.durable);
      const c = info.config;
      const same =
        c.ack_wait === updatable.ack_wait &&
        c.max_ack_pending === updatable.max_ack_pending &&
        (c.filter_subject ?? '') === (updatable.filter_subject ?? '') &&
        JSON.stringify(c.filter_subjects ?? []) === JSON.stringify(updatable.filter_subjects ?? []);
      if (!same) {
        await jsm.consumers.update(EVENTS_STREAM, this.spec.durable, updatable).catch((err: unknown) => {
          log.warn(`consumer ${this.spec.durable}: could not update its config (${errorMessage(err)}); using the existing one`);
        });
      }
    } catch (err) {
      if (!(err instanceof JetStreamApiError && err.code === JetStreamApiCodes.ConsumerNotFound)) throw err;
      await jsm.consumers.add(EVENTS_STREAM, {
        durable_name: this.spec.durable,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        max_deliver: -1,
        ...updatable,
      });
    }
  }

  private async pull(initialFailures: number): Promise<void> {
    let failures = initialFailures;
    while (!this.stopped) {
      try {
        if (failures > 0) {
          await Promise.race([this.host.waitConnected(), this.stopping.wait()]);
          if (this.stopped) break;
          await this.ensureConsumer();
        }
        const consumer = await this.host.js.consumers.get(EVENTS_STREAM, this.spec.durable);
        while (!this.stopped) {
          while (!this.stopped && this.queue.length >= this.maxBatch) await this.space.wait(1_000);
          if (this.stopped) break;
          const messages = await consumer.fetch({ max_messages: this.maxBatch - this.queue.length, expires: FETCH_EXPIRES_MS });
          this.current = messages;
          if (this.stopped) messages.stop();
          for await (const m of messages) {
            this.queue.push(m);
            this.arrived.notify();
          }
          this.current = undefined;
          if (failures > 0) log.log(`consumer ${this.spec.durable}: fetching again`);
          failures = 0;
        }
      } catch (err) {
        this.current = undefined;
        if (this.stopped) break;
        if (failures === 0 && !this.stopped) log.warn(`consumer ${this.spec.durable}: fetch failed (${errorMessage(err)}); retrying`);
        failures++;
        await this.stopping.wait(Math.min(250 * 2 ** Math.min(failures, 5), 5_000));
      }
    }
  }

  private async process(): Promise<void> {
    while (true) {
      if (this.queue.length === 0) {
        if (this.stopped) break;
        await this.arrived.wait();
        // idle, not stalled: the stall clock starts when something is owed
        this.lastProgressAt = Date.now();
        continue;
      }
      if (this.queue.length < this.maxBatch && this.maxWaitMs > 0 && !this.stopped) await delay(this.maxWaitMs);
      if (this.stopped) break;
      const taken = this.queue.splice(0, this.maxBatch);
      this.space.notify();
      await this.handle(taken);
    }
    // not handed to the handler: let the server give them to another replica now rather than after ack_wait
    for (const m of this.queue.splice(0)) m.nak();
  }

  private async handle(taken: JsMsg[]): Promise<void> {
    const mine = new Map<number, JsMsg>();
    const batch: DurableMessage<unknown>[] = [];
    for (const m of taken) {
      const replayFor = m.headers?.get(REPLAY_FOR_HEADER);
      if (!this.spec.filterSubjects.some((f) => subjectMatches(f, m.subject)) || (replayFor && replayFor !== this.spec.durable)) {
        m.ack();
        continue;
      }
      if (m.info.deliveryCount > 1) this.redelivered++;
      let data: unknown;
      try {
        data = decode<unknown>(m.data);
      } catch (err) {
        // nothing can ever process it: straight to the dead letters, raw text kept for the operator
        await this.deadLetter(m, new TextDecoder().decode(m.data), `not JSON: ${errorMessage(err)}`);
        continue;
      }
      mine.set(m.seq, m);
      const trace = carrierOf(m.headers);
      batch.push({ subject: m.subject, data, seq: m.seq, deliveryCount: m.info.deliveryCount, ...(trace ? { trace } : {}) });
    }
    if (batch.length === 0) return;
    let touched = Date.now();
    const outcome = await this.isolator.run(batch, (part) => {
      // splitting a large batch may take longer than the ack wait: restart the server's clock for the
      // whole batch (nothing of it is acked before the split ends) so it is not redelivered meanwhile
      if (Date.now() - touched > this.ackWaitMs / 3) {
        for (const m of mine.values()) m.working();
        touched = Date.now();
      }
      return withinAckWait(() => this.handler(part), this.ackWaitMs);
    });
    for (const m of outcome.ok) mine.get(m.seq)?.ack();
    for (const { message, error } of outcome.deadLetter) {
      const m = mine.get(message.seq);
      if (m) await this.deadLetter(m, message.data, error);
    }
    if (outcome.ok.length > 0) this.lastProgressAt = Date.now();
    if (outcome.retry.length > 0) {
      const first = outcome.retry[0];
      const backOff = redeliveryDelayMs(first.message.deliveryCount);
      log.warn(
        `consumer ${this.spec.durable}: ${outcome.retry.length} of ${batch.length} messages failed (seq ${first.message.seq}: ${first.error}); redelivery in ${backOff} ms`,
      );
      for (const { message } of outcome.retry) mine.get(message.seq)?.nak(redeliveryDelayMs(message.deliveryCount));
    }
  }

  /** Publishes to the dead-letter stream, then acks off the events stream; nak'd if it could not be stored. */
  private async deadLetter(m: JsMsg, data: unknown, error: string): Promise<void> {
    try {
      await this.host.deadLetter({
        consumer: this.spec.durable,
        subject: m.subject,
        seq: m.seq,
        data,
        error,
        attempts: m.info.deliveryCount,
        deadLetteredAt: new Date().toISOString(),
      });
    } catch (err) {
      log.error(`consumer ${this.spec.durable}: could not store the dead letter of seq ${m.seq} (${errorMessage(err)}); redelivering it`);
      m.nak(redeliveryDelayMs(m.info.deliveryCount));
      return;
    }
    m.ack();
    this.deadLettered++;
    this.lastProgressAt = Date.now();
    this.isolator.forget(m.seq);
    log.error(`consumer ${this.spec.durable}: seq ${m.seq} on ${m.subject} failed ${m.info.deliveryCount} deliveries (${error}); dead-lettered`);
  }
}
