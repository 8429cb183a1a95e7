/**
 * `Bus.readStream` on the in-process stream: a cursor over the stored messages, woken by each new one. It
 * holds nothing but the cursor; a reader that is not advanced reads nothing.
 */
import type { StreamReadSpec, StreamReader, StreamedMessage } from '../bus.js';
import { errorMessage, fromJson } from '../codec.js';
import { Signal } from '../signal.js';
import { subjectMatches } from '../subject-match.js';
import type { StoredMessage } from './journal.js';
import { busLog as log } from '../bus-log.js';

/** What a reader sees of the stream. */
export interface StoredWindow {
  /** Up to `max` stored messages after `seq`, oldest first, and how many stored messages follow the last of them. */
  after(seq: number, max: number): { messages: StoredMessage[]; remaining: number };
  lastSeq(): number;
  isClosed(): boolean;
}

const READ_AHEAD = 64;

export class InProcessStreamReader<T> implements StreamReader<T> {
  /** Last sequence examined. */
  private cursor: number;
  private closed = false;
  readonly arrived = new Signal();

  constructor(
    private readonly window: StoredWindow,
    private readonly spec: StreamReadSpec,
    private readonly onClose: (reader: InProcessStreamReader<T>) => void,
  ) {
    const last = window.lastSeq();
    const start = spec.startSeq;
    // past the end: the stream started over (no journal, or a new one), so all of it is new to the reader
    this.cursor = start === undefined ? last : start > last + 1 ? 0 : Math.max(0, start - 1);
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<StreamedMessage<T>> {
    while (!this.closed && !this.window.isClosed()) {
      const { messages, remaining } = this.window.after(this.cursor, READ_AHEAD);
      if (messages.length === 0) {
        await this.arrived.wait();
        continue;
      }
      for (let i = 0; i < messages.length && !this.closed; i++) {
        const m = messages[i];
        this.cursor = m.seq;
        if (!this.spec.filterSubjects.some((f) => subjectMatches(f, m.subject))) continue;
        let data: T;
        try {
          data = fromJson<T>(m.json);
        } catch (err) {
          log.warn(`stream reader: message ${m.seq} on ${m.subject} is not JSON (${errorMessage(err)}); skipped`);
          continue;
        }
        yield { subject: m.subject, data, seq: m.seq, pending: remaining + messages.length - 1 - i };
      }
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.onClose(this);
    this.arrived.notify();
  }
}
