/**
 * What `Bus.readStream` must do on every bus (stream-reader.spec for InProcessBus, stream-reader.infra for
 * NatsBus): ordered reads from a sequence, filtered, live after the backlog, ended by close.
 */
import { randomBytes } from 'node:crypto';
import type { Bus, StreamReader, StreamedMessage } from '../bus.js';
import { subjects } from '../subjects.js';

const uid = (): string => randomBytes(4).toString('hex');

/** Takes `n` messages from a reader's iterator (kept open for more). */
async function take<T>(it: AsyncIterator<StreamedMessage<T>>, n: number): Promise<Array<StreamedMessage<T>>> {
  const out: Array<StreamedMessage<T>> = [];
  while (out.length < n) {
    const r = await it.next();
    if (r.done) break;
    out.push(r.value);
  }
  return out;
}

export function streamReaderContract(name: string, factory: () => Promise<Bus>): void {
  describe(`Bus.readStream: ${name}`, () => {
    let bus: Bus;
    const readers: StreamReader[] = [];
    beforeEach(async () => {
      bus = await factory();
    });
    afterEach(async () => {
      for (const r of readers.splice(0)) await r.close();
      await bus.close();
    });
    const open = async <T>(filterSubjects: string[], startSeq?: number): Promise<AsyncIterator<StreamedMessage<T>>> => {
      const r = await bus.readStream<T>({ filterSubjects, ...(startSeq !== undefined ? { startSeq } : {}) });
      readers.push(r);
      return r[Symbol.asyncIterator]();
    };

    test('without a start only new messages; from a sequence exactly the rest, in order, filtered; then live', async () => {
      const a = `A-${uid()}`;
      const b = `B-${uid()}`;
      await bus.publishDurable(subjects.event(a, 'StatusNotification'), 0);
      const mine = [subjects.event(a, 'StatusNotification'), subjects.connection(a)];
      const live = await open<number>(mine);
      for (let n = 1; n <= 6; n++) {
        await bus.publishDurable(n % 2 ? subjects.event(a, 'StatusNotification') : subjects.connection(a), n);
        await bus.publishDurable(subjects.event(b, 'StatusNotification'), -n);
      }
      const first = await take(live, 6);
      expect(first.map((m) => m.data)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(first.map((m) => m.seq)).toEqual([...first.map((m) => m.seq)].sort((x, y) => x - y));

      const resumed = await open<number>(mine, first[2].seq + 1);
      const rest = await take(resumed, 3);
      expect(rest.map((m) => m.data)).toEqual([4, 5, 6]);
      expect(rest.map((m) => m.seq)).toEqual(first.slice(3).map((m) => m.seq));
      expect(rest[0].pending).toBeGreaterThan(0);

      const next = resumed.next();
      await bus.publishDurable(subjects.connection(a), 7);
      const got = await next;
      expect(got.done).toBe(false);
      expect((got.value as StreamedMessage<number>).data).toBe(7);
      expect((got.value as StreamedMessage<number>).pending).toBe(0);
    });

    test('a sequence past the end of the stream (it was made again) reads from its first message; close ends a waiting read', async () => {
      const a = `C-${uid()}`;
      const subject = subjects.event(a, 'SecurityEventNotification');
      await bus.publishDurable(subject, 'kept');
      const reader = await open<string>([subject], Number.MAX_SAFE_INTEGER);
      expect((await take(reader, 1)).map((m) => m.data)).toEqual(['kept']);
      const waiting = reader.next();
      await readers[readers.length - 1].close();
      expect((await waiting).done).toBe(true);
    });
  });
}
