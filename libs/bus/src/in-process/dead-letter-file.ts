/**
 * The all-in-one process's dead letters: an append-only JSON-lines file next to the journal
 * (`<journal>/dead-letters.jsonl`), fsync'd before the consumer's ack floor moves past the message, so a
 * dead letter is never lost and the poison message never comes back after a restart. A removal is a
 * tombstone line; the file is rewritten without removed entries when it opens.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { DeadLetter, DeadLetterQuery } from '../bus.js';

type Line = { add: DeadLetter } | { remove: string };

export type NewDeadLetter = Omit<DeadLetter, 'id' | 'deadLetteredAt'>;

export class DeadLetterFile {
  private readonly entries = new Map<string, DeadLetter>();
  private nextId = 1;
  private writing: Promise<void> = Promise.resolve();

  private constructor(private readonly file: string | undefined) {}

  /** `dir` absent: memory only (a bus without a journal keeps nothing across restarts anyway). */
  static async open(dir: string | undefined): Promise<DeadLetterFile> {
    if (!dir) return new DeadLetterFile(undefined);
    await fs.mkdir(dir, { recursive: true });
    const file = path.join(dir, 'dead-letters.jsonl');
    const store = new DeadLetterFile(file);
    let text = '';
    try {
      text = await fs.readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    for (const line of text.split('\n')) {
      if (line.length === 0) continue;
      let parsed: Line;
      try {
        parsed = JSON.parse(line) as Line;
      } catch {
        continue; // torn tail of a write interrupted by a crash: its consumer had not moved past the message
      }
      if ('add' in parsed) {
        store.entries.set(parsed.add.id, parsed.add);
        store.nextId = Math.max(store.nextId, Number(parsed.add.id) + 1);
      } else {
        store.entries.delete(parsed.remove);
      }
    }
    const compacted = [...store.entries.values()].map((d) => JSON.stringify({ add: d }) + '\n').join('');
    await fs.writeFile(`${file}.tmp`, compacted);
    await fs.rename(`${file}.tmp`, file);
    return store;
  }

  /** Stores it durably; the same (consumer, seq) twice is stored once (a floor lost in a crash redelivers it). */
  async add(letter: NewDeadLetter): Promise<DeadLetter> {
    for (const existing of this.entries.values()) {
      if (existing.consumer === letter.consumer && existing.seq === letter.seq) return existing;
    }
    const stored: DeadLetter = { id: String(this.nextId++), ...letter, deadLetteredAt: new Date().toISOString() };
    await this.append({ add: stored });
    this.entries.set(stored.id, stored);
    return stored;
  }

  async remove(id: string): Promise<boolean> {
    if (!this.entries.has(id)) return false;
    await this.append({ remove: id });
    this.entries.delete(id);
    return true;
  }

  get(id: string): DeadLetter | undefined {
    return this.entries.get(id);
  }

  list(query: DeadLetterQuery): { items: DeadLetter[]; total: number } {
    const all = [...this.entries.values()].filter((d) => query.consumer === undefined || d.consumer === query.consumer);
    return { items: all.slice(query.offset, query.offset + query.limit), total: all.length };
  }

  count(consumer?: string): number {
    if (consumer === undefined) return this.entries.size;
    let n = 0;
    for (const d of this.entries.values()) if (d.consumer === consumer) n++;
    return n;
  }

  private append(line: Line): Promise<void> {
    const file = this.file;
    if (!file) return Promise.resolve();
    const next = this.writing.then(async () => {
      const handle = await fs.open(file, 'a');
      try {
        await handle.write(JSON.stringify(line) + '\n');
        await handle.datasync();
      } finally {
        await handle.close();
      }
    });
    this.writing = next.catch(() => undefined);
    return next;
  }
}
