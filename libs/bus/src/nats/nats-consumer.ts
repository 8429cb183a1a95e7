/**
 * One durable pull consumer of the events stream: a puller fetches into a bounded local queue, a
 * processor hands batches to the handler (one in flight), acks each message once the handler resolved
 * and naks with a back-off when it rejected. Both loops survive NATS restarts: the puller re-creates the
 * consumer when it is gone and fetches again.
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
import type { BatchHandler, ConsumerSpec, DurableMessage } from '../bus.js';
import { decode, errorMessage } from '../codec.js';
import { Signal, delay, redeliveryDelayMs } from '../signal.js';
import { EVENTS_STREAM } from '../subjects.js';
import { subjectMatches } from '../subject-match.js';

export interface ConsumerHost {
  js: JetStreamClient;
  jsm: JetStreamManager;
  /** Version of the connected server, e.g. "2.10.4". */
  serverVersion(): string;
  /** Resolves once connected (at once when connected): requests sent while disconnected only time out. */
  waitConnected(): Promise<void>;
}

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

  constructor(
    private readonly host: ConsumerHost,
    private readonly spec: ConsumerSpec,
    private readonly handler: BatchHandler<unknown>,
  ) {
    this.maxBatch = Math.max(1, spec.maxBatch ?? 256);
    this.maxWaitMs = Math.max(0, spec.maxWaitMs ?? 10);
    this.ackWaitMs = Math.max(1_000, spec.ackWaitMs ?? 30_000);
  }

  /** Creates or updates the durable consumer, then starts the loops. */
  async start(): Promise<void> {
    let ensured = true;
    try {
      await this.ensureConsumer();
    } catch (err) {
      // a refused config is the caller's bug; anything else (NATS restarting) is retried by the puller
      if (err instanceof JetStreamApiError) throw err;
      console.warn(`[bus] consumer ${this.spec.durable}: not created yet (${errorMessage(err)}); retrying in the background`);
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
          console.warn(`[bus] consumer ${this.spec.durable}: could not update its config (${errorMessage(err)}); using the existing one`);
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
          if (failures > 0) console.log(`[bus] consumer ${this.spec.durable}: fetching again`);
          failures = 0;
        }
      } catch (err) {
        this.current = undefined;
        if (this.stopped) break;
        if (failures === 0 && !this.stopped) console.warn(`[bus] consumer ${this.spec.durable}: fetch failed (${errorMessage(err)}); retrying`);
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
    const mine: JsMsg[] = [];
    const batch: DurableMessage<unknown>[] = [];
    for (const m of taken) {
      if (!this.spec.filterSubjects.some((f) => subjectMatches(f, m.subject))) {
        m.ack();
        continue;
      }
      let data: unknown;
      try {
        data = decode<unknown>(m.data);
      } catch (err) {
        console.error(`[bus] consumer ${this.spec.durable}: seq ${m.seq} on ${m.subject} is not JSON (${errorMessage(err)}); terminated`);
        m.term();
        continue;
      }
      mine.push(m);
      batch.push({ subject: m.subject, data, seq: m.seq, deliveryCount: m.info.deliveryCount });
    }
    if (batch.length === 0) return;
    try {
      await this.handler(batch);
      for (const m of mine) m.ack();
    } catch (err) {
      const backOff = redeliveryDelayMs(batch[0].deliveryCount);
      console.warn(`[bus] consumer ${this.spec.durable}: batch of ${batch.length} rejected (${errorMessage(err)}); redelivery in ${backOff} ms`);
      for (const m of mine) m.nak(backOff);
    }
  }
}
