/**
 * The in-process events stream: what JetStream does for the all-in-one process. Limits retention
 * (a consumer created later gets what is still stored), msgId de-duplication, durable consumers
 * with an ack floor, one batch in flight per consumer, poison isolation (a rejected batch is split until
 * the failing message is alone; it is redelivered after a back-off and dead-lettered after
 * `maxDeliveries`), and the ack wait (a handler that does not settle in time gets its batch again).
 * Messages acked individually above the floor are remembered in memory; the floor moves over them as
 * soon as everything below is settled, so a poison message holds it only until it is dead-lettered.
 * Messages every known consumer acked are kept for `ackedRetentionMs` more, then dropped (memory and
 * journal), so the all-in-one process does not grow without bound.
 */
import type { BatchHandler, ConsumerSpec, ConsumerStats, DurableMessage, StreamReadSpec, StreamReader, Subscription } from '../bus.js';
import { errorMessage, fromJson } from '../codec.js';
import { BatchIsolator, CONSUMER_STALL_MS, type IsolationOutcome, DEFAULT_MAX_DELIVERIES, withinAckWait } from '../poison-isolation.js';
import { Signal, delay, redeliveryDelayMs } from '../signal.js';
import { subjectMatches } from '../subject-match.js';
import { DeadLetterFile } from './dead-letter-file.js';
import { Journal, type StoredMessage } from './journal.js';
import { InProcessStreamReader } from './stream-reader.js';
import { busLog as log } from '../bus-log.js';

export interface DurableStreamOptions {
  journalDir?: string;
  /** Limits retention: messages older than this are dropped even if un-acked (JetStream max_age). Default 7 days. */
  maxAgeMs?: number;
  /** msgId de-duplication window. Default 2 minutes (as the NATS stream). */
  duplicateWindowMs?: number;
  /** How long messages every known consumer acked stay available to consumers created later. Default 15 minutes. */
  ackedRetentionMs?: number;
  /** Deliveries a message may fail alone before it is dead-lettered (BUS_MAX_DELIVERIES). Default 5. */
  maxDeliveries?: number;
  /** A consumer with messages waiting that settled nothing for this long is stalled. Default CONSUMER_STALL_MS. */
  stallAfterMs?: number;
}

interface HandlerEntry {
  handler: BatchHandler<unknown>;
}

interface ConsumerState {
  name: string;
  filters: string[];
  maxBatch: number;
  maxWaitMs: number;
  ackWaitMs: number;
  ackSeq: number;
  /** Settled (processed or dead-lettered) above the floor; the floor moves over them. */
  acked: Set<number>;
  /** Failed messages and when they may be delivered again (epoch ms). */
  retryAt: Map<number, number>;
  handlers: HandlerEntry[];
  next: number;
  deliveries: Map<number, number>;
  isolator: BatchIsolator;
  redelivered: number;
  deadLettered: number;
  lastProgressAt: number;
  arrived: Signal;
  stopped: Signal;
  loop?: Promise<void>;
  inFlight?: Promise<unknown>;
  /** Set while a floor moved only past messages this consumer does not want is waiting to be saved. */
  floorTimer?: NodeJS.Timeout;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const DEFAULT_ACK_WAIT_MS = 30_000;
/**
 * How long a floor moved only past messages a consumer does not want may stay unsaved. Losing such a
 * move in a crash costs nothing (the consumer skips the same messages again); saving it on every publish
 * cost one cursor file write per consumer per journal group commit (5 of 6 consumers in the all-in-one
 * process skip each MeterValues).
 */
const SKIPPED_FLOOR_SAVE_MS = 1_000;

export class DurableStream {
  private messages: StoredMessage[] = [];
  private lastSeq = 0;
  private readonly dedup = new Map<string, { ts: number; stored: Promise<void> }>();
  private readonly consumers = new Map<string, ConsumerState>();
  /** Live readers (`read`): woken by every stored message. */
  private readonly readers = new Set<InProcessStreamReader<unknown>>();
  /** Ack floors of consumers known from the journal but not attached in this process (yet). */
  private readonly detachedCursors = new Map<string, number>();
  private closed = false;
  private lastPrune = 0;
  private readonly pruneTimer: NodeJS.Timeout;
  private readonly maxAgeMs: number;
  private readonly duplicateWindowMs: number;
  private readonly ackedRetentionMs: number;
  private readonly maxDeliveries: number;
  private readonly stallAfterMs: number;

  private constructor(
    private readonly journal: Journal | undefined,
    readonly deadLetters: DeadLetterFile,
    options: DurableStreamOptions,
  ) {
    this.maxAgeMs = options.maxAgeMs ?? 7 * DAY_MS;
    this.duplicateWindowMs = options.duplicateWindowMs ?? 120_000;
    this.ackedRetentionMs = options.ackedRetentionMs ?? 15 * 60_000;
    this.maxDeliveries = Math.max(1, options.maxDeliveries ?? DEFAULT_MAX_DELIVERIES);
    this.stallAfterMs = options.stallAfterMs ?? CONSUMER_STALL_MS;
    this.pruneTimer = setInterval(() => void this.prune(true), 60_000);
    this.pruneTimer.unref();
  }

  static async open(options: DurableStreamOptions): Promise<DurableStream> {
    const deadLetters = await DeadLetterFile.open(options.journalDir);
    if (!options.journalDir) return new DurableStream(undefined, deadLetters, options);
    const { journal, state } = await Journal.open(options.journalDir);
    const stream = new DurableStream(journal, deadLetters, options);
    const now = Date.now();
    stream.messages = state.messages.filter((m) => m.ts >= now - stream.maxAgeMs);
    for (const [name, ackSeq] of state.cursors) stream.detachedCursors.set(name, ackSeq);
    // sequences never go back, even when every segment was deleted: cursors remember the highest acked one
    stream.lastSeq = Math.max(0, ...state.messages.map((m) => m.seq), ...state.cursors.values());
    for (const m of stream.messages) {
      if (m.msgId && m.ts >= now - stream.duplicateWindowMs) stream.dedup.set(m.msgId, { ts: m.ts, stored: Promise.resolve() });
    }
    return stream;
  }

  /** Resolves once stored (and fsync'd when journaled); a duplicate msgId resolves once the original is stored. */
  async publish(subject: string, json: string, msgId?: string, forConsumer?: string, trace?: Record<string, string>): Promise<void> {
    if (this.closed) throw new Error('bus closed');
    const now = Date.now();
    for (const [id, entry] of this.dedup) {
      if (entry.ts >= now - this.duplicateWindowMs) break;
      this.dedup.delete(id);
    }
    if (msgId !== undefined) {
      const seen = this.dedup.get(msgId);
      if (seen) return seen.stored;
    }
    const message: StoredMessage = {
      seq: ++this.lastSeq,
      subject,
      json,
      ts: now,
      ...(msgId !== undefined ? { msgId } : {}),
      ...(forConsumer !== undefined ? { for: forConsumer } : {}),
      ...(trace !== undefined && Object.keys(trace).length > 0 ? { trace } : {}),
    };
    const stored = this.journal ? this.journal.append([message]) : Promise.resolve();
    if (msgId !== undefined) {
      this.dedup.set(msgId, { ts: now, stored });
      stored.catch(() => this.dedup.delete(msgId));
    }
    await stored;
    this.insert(message);
    for (const consumer of this.consumers.values()) consumer.arrived.notify();
    for (const reader of this.readers) reader.arrived.notify();
  }

  /** An ordered read from a sequence (Bus.readStream); holds no ack floor, so it never keeps messages stored. */
  read<T>(spec: StreamReadSpec): StreamReader<T> {
    if (this.closed) throw new Error('bus closed');
    const reader = new InProcessStreamReader<unknown>(
      {
        after: (seq, max) => {
          const from = this.firstIndexAfter(seq);
          const messages = this.messages.slice(from, from + max);
          return { messages, remaining: Math.max(0, this.messages.length - from - messages.length) };
        },
        lastSeq: () => this.lastSeq,
        isClosed: () => this.closed,
      },
      spec,
      (r) => this.readers.delete(r),
    );
    this.readers.add(reader);
    return reader as StreamReader<T>;
  }

  private insert(message: StoredMessage): void {
    const last = this.messages[this.messages.length - 1];
    this.messages.push(message);
    if (last && last.seq > message.seq) this.messages.sort((a, b) => a.seq - b.seq);
  }

  consume(spec: ConsumerSpec, handler: BatchHandler<unknown>): Subscription {
    if (this.closed) throw new Error('bus closed');
    let state = this.consumers.get(spec.durable);
    if (!state) {
      state = {
        name: spec.durable,
        filters: spec.filterSubjects,
        maxBatch: 256,
        maxWaitMs: 10,
        ackWaitMs: DEFAULT_ACK_WAIT_MS,
        ackSeq: this.detachedCursors.get(spec.durable) ?? 0,
        acked: new Set(),
        retryAt: new Map(),
        handlers: [],
        next: 0,
        deliveries: new Map(),
        isolator: new BatchIsolator(this.maxDeliveries),
        redelivered: 0,
        deadLettered: 0,
        lastProgressAt: Date.now(),
        arrived: new Signal(),
        stopped: new Signal(),
      };
      this.detachedCursors.delete(spec.durable);
      this.consumers.set(spec.durable, state);
    }
    // like a JetStream consumer update: the latest spec wins
    state.filters = spec.filterSubjects;
    state.maxBatch = Math.max(1, spec.maxBatch ?? 256);
    state.maxWaitMs = Math.max(0, spec.maxWaitMs ?? 10);
    state.ackWaitMs = Math.max(1, spec.ackWaitMs ?? DEFAULT_ACK_WAIT_MS);
    const entry: HandlerEntry = { handler };
    state.handlers.push(entry);
    const consumer = state;
    consumer.loop ??= this.run(consumer).finally(() => (consumer.loop = undefined));
    return {
      unsubscribe: async () => {
        consumer.handlers = consumer.handlers.filter((h) => h !== entry);
        consumer.stopped.notify();
        consumer.arrived.notify();
        await consumer.inFlight?.catch(() => undefined);
        if (consumer.handlers.length === 0) await consumer.loop;
      },
    };
  }

  private active(consumer: ConsumerState): boolean {
    return !this.closed && consumer.handlers.length > 0;
  }

  private async run(consumer: ConsumerState): Promise<void> {
    while (this.active(consumer)) {
      let { batch, retryInMs } = this.collect(consumer);
      if (batch.length === 0) {
        if (this.advanceFloor(consumer)) {
          await this.skip(consumer);
        } else {
          await consumer.arrived.wait(retryInMs);
          // idle, not stalled: the stall clock starts when something is owed
          if (retryInMs === undefined) consumer.lastProgressAt = Date.now();
        }
        continue;
      }
      if (batch.length < consumer.maxBatch && consumer.maxWaitMs > 0) {
        await delay(consumer.maxWaitMs);
        if (!this.active(consumer)) break;
        ({ batch } = this.collect(consumer));
        if (batch.length === 0) continue;
      }
      const entry = consumer.handlers[consumer.next++ % consumer.handlers.length];
      const delivered: DurableMessage<unknown>[] = batch.map((m) => ({
        subject: m.subject,
        data: fromJson<unknown>(m.json),
        seq: m.seq,
        deliveryCount: (consumer.deliveries.get(m.seq) ?? 0) + 1,
        ...(m.trace ? { trace: m.trace } : {}),
      }));
      for (const m of delivered) {
        consumer.deliveries.set(m.seq, m.deliveryCount);
        if (m.deliveryCount > 1) consumer.redelivered++;
      }
      const attempt = consumer.isolator.run(delivered, (part) => withinAckWait(() => entry.handler(part), consumer.ackWaitMs));
      consumer.inFlight = attempt;
      try {
        const outcome = await attempt;
        await this.settle(consumer, batch, outcome);
      } finally {
        consumer.inFlight = undefined;
      }
    }
  }

  private async settle(consumer: ConsumerState, batch: StoredMessage[], outcome: IsolationOutcome<DurableMessage<unknown>>): Promise<void> {
    const bySeq = new Map(batch.map((m) => [m.seq, m]));
    for (const m of outcome.ok) this.settled(consumer, m.seq);
    for (const { message, error } of outcome.deadLetter) {
      const stored = bySeq.get(message.seq);
      if (!stored) continue;
      try {
        await this.deadLetters.add({
          consumer: consumer.name,
          subject: stored.subject,
          seq: stored.seq,
          data: fromJson<unknown>(stored.json),
          error,
          attempts: message.deliveryCount,
        });
        consumer.deadLettered++;
        this.settled(consumer, message.seq);
        log.error(`consumer ${consumer.name}: seq ${message.seq} on ${stored.subject} failed ${message.deliveryCount} deliveries (${error}); dead-lettered`);
      } catch (err) {
        log.error(`consumer ${consumer.name}: could not store the dead letter of seq ${message.seq} (${errorMessage(err)}); redelivering it`);
        outcome.retry.push({ message, error });
      }
    }
    if (outcome.retry.length > 0) {
      const now = Date.now();
      for (const { message } of outcome.retry) consumer.retryAt.set(message.seq, now + redeliveryDelayMs(message.deliveryCount));
      const first = outcome.retry[0];
      log.warn(
        `consumer ${consumer.name}: ${outcome.retry.length} of ${batch.length} messages failed (seq ${first.message.seq}: ${first.error}); ` +
          `redelivery in ${redeliveryDelayMs(first.message.deliveryCount)} ms`,
      );
    }
    if (outcome.ok.length > 0 || outcome.deadLetter.length > 0) consumer.lastProgressAt = Date.now();
    if (this.advanceFloor(consumer)) await this.ack(consumer);
  }

  private settled(consumer: ConsumerState, seq: number): void {
    consumer.acked.add(seq);
    consumer.retryAt.delete(seq);
    consumer.deliveries.delete(seq);
  }

  private wants(consumer: ConsumerState, m: StoredMessage): boolean {
    if (m.for !== undefined && m.for !== consumer.name) return false;
    return consumer.filters.some((f) => subjectMatches(f, m.subject));
  }

  /** The next batch after the ack floor (skipping settled and backing-off messages), and when a back-off ends. */
  private collect(consumer: ConsumerState): { batch: StoredMessage[]; retryInMs?: number } {
    const batch: StoredMessage[] = [];
    const now = Date.now();
    let retryAt = Infinity;
    for (let i = this.firstIndexAfter(consumer.ackSeq); i < this.messages.length; i++) {
      const m = this.messages[i];
      if (consumer.acked.has(m.seq) || !this.wants(consumer, m)) continue;
      const at = consumer.retryAt.get(m.seq);
      if (at !== undefined && at > now) {
        retryAt = Math.min(retryAt, at);
        continue;
      }
      batch.push(m);
      if (batch.length >= consumer.maxBatch) break;
    }
    return { batch, ...(retryAt < Infinity ? { retryInMs: Math.max(1, retryAt - now) } : {}) };
  }

  /** Moves the floor over settled and unwanted messages up to the first one still owed; true if it moved. */
  private advanceFloor(consumer: ConsumerState): boolean {
    let floor = consumer.ackSeq;
    for (let i = this.firstIndexAfter(consumer.ackSeq); i < this.messages.length; i++) {
      const m = this.messages[i];
      if (consumer.acked.has(m.seq)) consumer.acked.delete(m.seq);
      else if (this.wants(consumer, m)) break;
      floor = m.seq;
    }
    if (floor === consumer.ackSeq) return false;
    consumer.ackSeq = floor;
    return true;
  }

  private firstIndexAfter(seq: number): number {
    let lo = 0;
    let hi = this.messages.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.messages[mid].seq <= seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The floor moved only past messages this consumer does not want: saved within SKIPPED_FLOOR_SAVE_MS. */
  private async skip(consumer: ConsumerState): Promise<void> {
    if (this.journal && !consumer.floorTimer) {
      consumer.floorTimer = setTimeout(() => void this.saveSkippedFloor(consumer), SKIPPED_FLOOR_SAVE_MS);
      consumer.floorTimer.unref();
    }
    await this.prune(false);
  }

  private async saveSkippedFloor(consumer: ConsumerState): Promise<void> {
    clearTimeout(consumer.floorTimer);
    consumer.floorTimer = undefined;
    await this.journal?.saveCursor(consumer.name, consumer.ackSeq).catch((err: unknown) => {
      log.warn(`consumer ${consumer.name}: could not save its ack floor (${errorMessage(err)}); it may rescan after a restart`);
    });
  }

  private async ack(consumer: ConsumerState): Promise<void> {
    clearTimeout(consumer.floorTimer);
    consumer.floorTimer = undefined;
    const throughSeq = consumer.ackSeq;
    for (const seq of consumer.deliveries.keys()) if (seq <= throughSeq) consumer.deliveries.delete(seq);
    if (this.journal) {
      try {
        await this.journal.saveCursor(consumer.name, throughSeq);
      } catch (err) {
        log.warn(`consumer ${consumer.name}: could not save its ack floor (${errorMessage(err)}); it may see redeliveries after a restart`);
      }
    }
    await this.prune(false);
  }

  /**
   * Pending, redelivered and dead-lettered counts of every consumer attached in this process, or of `consumer` only
   * (counting pending scans the stream once per consumer).
   */
  stats(consumer?: string): ConsumerStats[] {
    const now = Date.now();
    const wanted = consumer === undefined ? [...this.consumers.values()] : [this.consumers.get(consumer)].filter((c) => c !== undefined);
    return wanted.map((c) => {
      let pending = 0;
      for (let i = this.firstIndexAfter(c.ackSeq); i < this.messages.length; i++) {
        const m = this.messages[i];
        if (!c.acked.has(m.seq) && this.wants(c, m)) pending++;
      }
      return {
        consumer: c.name,
        pending,
        redelivered: c.redelivered,
        deadLettered: c.deadLettered,
        stalled: pending > 0 && now - c.lastProgressAt > this.stallAfterMs,
      };
    });
  }

  private async prune(force: boolean): Promise<void> {
    const now = Date.now();
    if (!force && now - this.lastPrune < 1_000) return;
    this.lastPrune = now;
    const floors = [...[...this.consumers.values()].map((c) => c.ackSeq), ...this.detachedCursors.values()];
    const ackedByAll = floors.length === 0 ? 0 : Math.min(...floors);
    let drop = 0;
    let droppedThrough = 0;
    for (const m of this.messages) {
      const expired = m.ts < now - this.maxAgeMs;
      const retiredAck = m.seq <= ackedByAll && m.ts < now - this.ackedRetentionMs;
      if (!expired && !retiredAck) break;
      drop++;
      droppedThrough = m.seq;
    }
    if (drop > 0) this.messages.splice(0, drop);
    if (this.journal && droppedThrough > 0) {
      await this.journal.deleteSegments(droppedThrough, now - this.maxAgeMs).catch((err: unknown) => {
        log.warn(`could not delete journal segments: ${errorMessage(err)}`);
      });
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.pruneTimer);
    for (const reader of this.readers) reader.arrived.notify();
    const loops: Promise<void>[] = [];
    for (const consumer of this.consumers.values()) {
      consumer.stopped.notify();
      consumer.arrived.notify();
      if (consumer.loop) loops.push(consumer.loop);
    }
    await Promise.all(loops);
    await Promise.all([...this.consumers.values()].filter((c) => c.floorTimer).map((c) => this.saveSkippedFloor(c)));
    await this.journal?.close();
  }
}
