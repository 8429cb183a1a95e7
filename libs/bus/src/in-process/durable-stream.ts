/**
 * The in-process events stream: what JetStream does for the all-in-one process. Limits retention
 * (a consumer created later gets what is still stored), msgId de-duplication, durable consumers
 * with an ack floor, one batch in flight per consumer, redelivery of a rejected batch after a back-off.
 * Messages every known consumer acked are kept for `ackedRetentionMs` more, then dropped (memory and
 * journal), so the all-in-one process does not grow without bound.
 */
import type { BatchHandler, ConsumerSpec, DurableMessage, StreamReadSpec, StreamReader, Subscription } from '../bus.js';
import { errorMessage, fromJson } from '../codec.js';
import { Signal, delay, redeliveryDelayMs } from '../signal.js';
import { subjectMatches } from '../subject-match.js';
import { Journal, type StoredMessage } from './journal.js';
import { InProcessStreamReader } from './stream-reader.js';

export interface DurableStreamOptions {
  journalDir?: string;
  /** Limits retention: messages older than this are dropped even if un-acked (JetStream max_age). Default 7 days. */
  maxAgeMs?: number;
  /** msgId de-duplication window. Default 2 minutes (as the NATS stream). */
  duplicateWindowMs?: number;
  /** How long messages every known consumer acked stay available to consumers created later. Default 15 minutes. */
  ackedRetentionMs?: number;
}

interface HandlerEntry {
  handler: BatchHandler<unknown>;
}

interface ConsumerState {
  name: string;
  filters: string[];
  maxBatch: number;
  maxWaitMs: number;
  ackSeq: number;
  handlers: HandlerEntry[];
  next: number;
  deliveries: Map<number, number>;
  arrived: Signal;
  stopped: Signal;
  loop?: Promise<void>;
  inFlight?: Promise<unknown>;
  /** Set while a floor moved only past messages this consumer does not want is waiting to be saved. */
  floorTimer?: NodeJS.Timeout;
}

const DAY_MS = 24 * 60 * 60 * 1000;
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

  private constructor(private readonly journal: Journal | undefined, options: DurableStreamOptions) {
    this.maxAgeMs = options.maxAgeMs ?? 7 * DAY_MS;
    this.duplicateWindowMs = options.duplicateWindowMs ?? 120_000;
    this.ackedRetentionMs = options.ackedRetentionMs ?? 15 * 60_000;
    this.pruneTimer = setInterval(() => void this.prune(true), 60_000);
    this.pruneTimer.unref();
  }

  static async open(options: DurableStreamOptions): Promise<DurableStream> {
    if (!options.journalDir) return new DurableStream(undefined, options);
    const { journal, state } = await Journal.open(options.journalDir);
    const stream = new DurableStream(journal, options);
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
  async publish(subject: string, json: string, msgId?: string): Promise<void> {
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
    const message: StoredMessage = { seq: ++this.lastSeq, subject, json, ts: now, ...(msgId !== undefined ? { msgId } : {}) };
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
        ackSeq: this.detachedCursors.get(spec.durable) ?? 0,
        handlers: [],
        next: 0,
        deliveries: new Map(),
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
      let { batch, scanEnd } = this.collect(consumer);
      if (batch.length === 0) {
        if (scanEnd > consumer.ackSeq) await this.skip(consumer, scanEnd);
        else await consumer.arrived.wait();
        continue;
      }
      if (batch.length < consumer.maxBatch && consumer.maxWaitMs > 0) {
        await delay(consumer.maxWaitMs);
        if (!this.active(consumer)) break;
        ({ batch, scanEnd } = this.collect(consumer));
      }
      const entry = consumer.handlers[consumer.next++ % consumer.handlers.length];
      const delivered: DurableMessage<unknown>[] = batch.map((m) => ({
        subject: m.subject,
        data: fromJson<unknown>(m.json),
        seq: m.seq,
        deliveryCount: (consumer.deliveries.get(m.seq) ?? 0) + 1,
      }));
      const attempt = Promise.resolve().then(() => entry.handler(delivered));
      consumer.inFlight = attempt;
      try {
        await attempt;
        await this.ack(consumer, scanEnd);
      } catch (err) {
        for (const m of delivered) consumer.deliveries.set(m.seq, m.deliveryCount);
        const backOff = redeliveryDelayMs(delivered[0].deliveryCount);
        console.warn(`[bus] consumer ${consumer.name}: batch of ${batch.length} rejected (${errorMessage(err)}); redelivery in ${backOff} ms`);
        await consumer.stopped.wait(backOff);
      } finally {
        consumer.inFlight = undefined;
      }
    }
  }

  /** The next batch after the ack floor, and the last sequence examined (non-matching ones are skipped). */
  private collect(consumer: ConsumerState): { batch: StoredMessage[]; scanEnd: number } {
    const batch: StoredMessage[] = [];
    let scanEnd = consumer.ackSeq;
    for (let i = this.firstIndexAfter(consumer.ackSeq); i < this.messages.length; i++) {
      const m = this.messages[i];
      if (consumer.filters.some((f) => subjectMatches(f, m.subject))) {
        batch.push(m);
        scanEnd = m.seq;
        if (batch.length >= consumer.maxBatch) break;
      } else {
        scanEnd = m.seq;
      }
    }
    return { batch, scanEnd };
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

  /** Moves the floor past messages this consumer does not want; saved within SKIPPED_FLOOR_SAVE_MS. */
  private async skip(consumer: ConsumerState, throughSeq: number): Promise<void> {
    consumer.ackSeq = throughSeq;
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
      console.warn(`[bus] consumer ${consumer.name}: could not save its ack floor (${errorMessage(err)}); it may rescan after a restart`);
    });
  }

  private async ack(consumer: ConsumerState, throughSeq: number): Promise<void> {
    clearTimeout(consumer.floorTimer);
    consumer.floorTimer = undefined;
    consumer.ackSeq = throughSeq;
    for (const seq of consumer.deliveries.keys()) if (seq <= throughSeq) consumer.deliveries.delete(seq);
    if (this.journal) {
      try {
        await this.journal.saveCursor(consumer.name, throughSeq);
      } catch (err) {
        console.warn(`[bus] consumer ${consumer.name}: could not save its ack floor (${errorMessage(err)}); it may see redeliveries after a restart`);
      }
    }
    await this.prune(false);
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
        console.warn(`[bus] could not delete journal segments: ${errorMessage(err)}`);
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
