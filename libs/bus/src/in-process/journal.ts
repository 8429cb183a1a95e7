/**
 * Append-only journal of the in-process events stream, so the all-in-one process keeps JetStream's
 * promise: a message whose publishDurable resolved survives a crash (kill -9) and is redelivered.
 *
 * Layout of `dir`:
 *   segments/<firstSeq, 16 digits>.jsonl   one JSON line per stored message (`StoredMessage`)
 *   consumers/<hex of durable name>.json   `{ name, ackSeq }`: everything <= ackSeq is acked
 * Concurrent appends are grouped into one write + fdatasync (group commit). A new segment is started on
 * every open, so a line torn by a crash is only ever the last line of an old segment (and ignored).
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

export interface StoredMessage {
  seq: number;
  subject: string;
  /** JSON of the data, as published. */
  json: string;
  msgId?: string;
  /** A dead letter replayed for one consumer only: the others skip it. */
  for?: string;
  /** The publisher's trace context (`traceparent`): a consumer continues its trace, after a restart too. */
  trace?: Record<string, string>;
  /** Epoch ms when stored. */
  ts: number;
}

export interface JournalState {
  messages: StoredMessage[];
  cursors: Map<string, number>;
}

const SEGMENT_MAX_BYTES = 16 * 1024 * 1024;
/** Roll segments hourly too, so a quiet all-in-one process still frees fully-acked ones. */
const SEGMENT_MAX_AGE_MS = 60 * 60 * 1000;

/** The ack floor of one consumer on its way to disk: one write in flight, the newest value next. */
interface CursorWriter {
  wanted: number;
  /** Bumped by every saveCursor; a write of generation g settles every caller up to g. */
  generation: number;
  waiters: Array<{ generation: number; resolve: () => void; reject: (e: unknown) => void }>;
  /** The write loop while one runs; it never rejects (each caller gets its own outcome). */
  running?: Promise<void>;
}

interface Segment {
  firstSeq: number;
  lastSeq: number;
  lastTs: number;
  file: string;
}

export class Journal {
  private segments: Segment[] = [];
  private current?: { segment: Segment; handle: fs.FileHandle; bytes: number; openedAt: number };
  private pending: Array<{ lines: string; messages: StoredMessage[]; resolve: () => void; reject: (e: unknown) => void }> = [];
  private flushing?: Promise<void>;
  private readonly cursorWriters = new Map<string, CursorWriter>();

  private constructor(private readonly dir: string) {}

  static async open(dir: string): Promise<{ journal: Journal; state: JournalState }> {
    const journal = new Journal(dir);
    await fs.mkdir(path.join(dir, 'segments'), { recursive: true });
    await fs.mkdir(path.join(dir, 'consumers'), { recursive: true });
    const state = await journal.load();
    return { journal, state };
  }

  private async load(): Promise<JournalState> {
    const cursors = new Map<string, number>();
    for (const file of await fs.readdir(path.join(this.dir, 'consumers'))) {
      if (!file.endsWith('.json')) continue;
      try {
        const parsed = JSON.parse(await fs.readFile(path.join(this.dir, 'consumers', file), 'utf8')) as { name: string; ackSeq: number };
        cursors.set(parsed.name, parsed.ackSeq);
      } catch {
        // a cursor file torn by a crash: the consumer starts over from the oldest stored message (idempotent consumers)
      }
    }
    const messages: StoredMessage[] = [];
    const files = (await fs.readdir(path.join(this.dir, 'segments'))).filter((f) => f.endsWith('.jsonl')).sort();
    for (const file of files) {
      const full = path.join(this.dir, 'segments', file);
      const segmentMessages: StoredMessage[] = [];
      for (const line of (await fs.readFile(full, 'utf8')).split('\n')) {
        if (line.length === 0) continue;
        try {
          segmentMessages.push(JSON.parse(line) as StoredMessage);
        } catch {
          // torn tail of a write interrupted by a crash: it was never acknowledged to the publisher
        }
      }
      const last = segmentMessages[segmentMessages.length - 1];
      if (!last) {
        await fs.rm(full, { force: true });
        continue;
      }
      this.segments.push({ firstSeq: segmentMessages[0].seq, lastSeq: last.seq, lastTs: last.ts, file: full });
      messages.push(...segmentMessages);
    }
    return { messages, cursors };
  }

  /** Resolves once the messages are written and fsync'd (grouped with concurrent appends). */
  append(messages: StoredMessage[]): Promise<void> {
    const lines = messages.map((m) => JSON.stringify(m) + '\n').join('');
    return new Promise((resolve, reject) => {
      this.pending.push({ lines, messages, resolve, reject });
      if (!this.flushing) this.flushing = this.flushLoop();
    });
  }

  private async flushLoop(): Promise<void> {
    try {
      while (this.pending.length > 0) {
        const group = this.pending;
        this.pending = [];
        try {
          const first = group[0].messages[0];
          const current = await this.currentSegment(first.seq);
          const data = group.map((g) => g.lines).join('');
          await current.handle.write(data);
          await current.handle.datasync();
          current.bytes += Buffer.byteLength(data);
          const last = group[group.length - 1].messages;
          current.segment.lastSeq = last[last.length - 1].seq;
          current.segment.lastTs = last[last.length - 1].ts;
          for (const g of group) g.resolve();
        } catch (err) {
          for (const g of group) g.reject(err);
        }
      }
    } finally {
      this.flushing = undefined;
    }
  }

  private async currentSegment(nextSeq: number): Promise<{ segment: Segment; handle: fs.FileHandle; bytes: number }> {
    const fresh = this.current && this.current.bytes < SEGMENT_MAX_BYTES && Date.now() - this.current.openedAt < SEGMENT_MAX_AGE_MS;
    if (this.current && fresh) return this.current;
    if (this.current) await this.current.handle.close();
    const file = path.join(this.dir, 'segments', `${String(nextSeq).padStart(16, '0')}.jsonl`);
    const handle = await fs.open(file, 'a');
    const segment: Segment = { firstSeq: nextSeq, lastSeq: nextSeq - 1, lastTs: Date.now(), file };
    this.segments.push(segment);
    this.current = { segment, handle, bytes: 0, openedAt: Date.now() };
    // make the new file's directory entry durable too
    const dirHandle = await fs.open(path.join(this.dir, 'segments'), 'r');
    try {
      await dirHandle.sync();
    } finally {
      await dirHandle.close();
    }
    return this.current;
  }

  /**
   * Records a consumer's ack floor. Not fsync'd: losing it in a crash only means redelivery.
   * Writes are coalesced per consumer (one in flight, then only the newest value): a floor that moves
   * on every publish would otherwise queue one file write + rename per move in libuv's thread pool,
   * where they delay the journal's own write + fdatasync (measured: 3 cursor renames per fdatasync).
   * Resolves once a value at least as new as this one is written.
   */
  saveCursor(name: string, ackSeq: number): Promise<void> {
    let writer = this.cursorWriters.get(name);
    if (!writer) {
      writer = { wanted: ackSeq, generation: 0, waiters: [] };
      this.cursorWriters.set(name, writer);
    }
    writer.wanted = ackSeq;
    const generation = ++writer.generation;
    const done = new Promise<void>((resolve, reject) => writer.waiters.push({ generation, resolve, reject }));
    const w = writer;
    w.running ??= this.writeCursors(name, w);
    return done;
  }

  private async writeCursors(name: string, writer: CursorWriter): Promise<void> {
    const file = path.join(this.dir, 'consumers', `${Buffer.from(name, 'utf8').toString('hex')}.json`);
    const tmp = `${file}.tmp`;
    while (writer.waiters.length > 0) {
      const generation = writer.generation;
      const settled = writer.waiters.filter((w) => w.generation <= generation);
      writer.waiters = writer.waiters.filter((w) => w.generation > generation);
      try {
        await fs.writeFile(tmp, JSON.stringify({ name, ackSeq: writer.wanted }));
        await fs.rename(tmp, file);
        for (const w of settled) w.resolve();
      } catch (err) {
        for (const w of settled) w.reject(err);
      }
    }
    // in the same synchronous step as the emptiness check: a saveCursor after it starts a new loop
    writer.running = undefined;
  }

  /** Deletes closed segments whose every message is <= `ackedThroughSeq` or older than `expiredBeforeTs`. */
  async deleteSegments(ackedThroughSeq: number, expiredBeforeTs: number): Promise<void> {
    const keep: Segment[] = [];
    for (const segment of this.segments) {
      const closed = segment !== this.current?.segment;
      if (closed && (segment.lastSeq <= ackedThroughSeq || segment.lastTs < expiredBeforeTs)) {
        await fs.rm(segment.file, { force: true });
      } else {
        keep.push(segment);
      }
    }
    this.segments = keep;
  }

  async close(): Promise<void> {
    while (this.flushing) await this.flushing;
    await Promise.all([...this.cursorWriters.values()].map((w) => w.running));
    await this.current?.handle.close();
    this.current = undefined;
  }
}
