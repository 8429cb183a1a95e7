import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { waitFor } from '#csms/testing';
import { subjects } from '../subjects.js';
import { InProcessBus } from './in-process-bus.js';
import { Journal } from './journal.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const tempDir = (): string => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'csms-journal-'));
  dirs.push(d);
  return d;
};
const cursorFiles = (dir: string): Array<{ name: string; ackSeq: number }> =>
  readdirSync(path.join(dir, 'consumers'))
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(path.join(dir, 'consumers', f), 'utf8')) as { name: string; ackSeq: number });

describe('Journal cursors', () => {
  test('saves coalesce per consumer: every caller settles, the newest floor is what a restart reads', async () => {
    const dir = tempDir();
    const { journal } = await Journal.open(dir);
    const saves = Array.from({ length: 200 }, (_, i) => journal.saveCursor('metering', i + 1));
    const other = journal.saveCursor('audit', 7);
    await Promise.all([...saves, other]);
    expect(cursorFiles(dir).sort((a, b) => a.name.localeCompare(b.name))).toEqual([
      { name: 'audit', ackSeq: 7 },
      { name: 'metering', ackSeq: 200 },
    ]);
    // a save after the writer went idle starts a new write
    await journal.saveCursor('metering', 201);
    await journal.close();
    const { state } = await Journal.open(dir);
    expect(state.cursors.get('metering')).toBe(201);
  });

  test('a save issued while a write is in flight is written after it, not lost', async () => {
    const dir = tempDir();
    const { journal } = await Journal.open(dir);
    const first = journal.saveCursor('c', 1);
    await Promise.resolve();
    const second = journal.saveCursor('c', 2);
    await first;
    await second;
    expect(cursorFiles(dir)).toEqual([{ name: 'c', ackSeq: 2 }]);
    await journal.close();
  });
});

describe('InProcessBus floors past unwanted messages', () => {
  test('are saved by close, so a restart does not rescan them; sequences keep rising', async () => {
    const dir = tempDir();
    const wanted = subjects.event('CP.floor', 'StatusNotification');
    const unwanted = subjects.event('CP.floor', 'MeterValues');
    const bus = await InProcessBus.open({ journalDir: dir });
    const got: number[] = [];
    await bus.consume<number>({ durable: 'status', filterSubjects: [wanted] }, async (b) => void got.push(...b.map((m) => m.data)));
    await bus.publishDurable(wanted, 1);
    await waitFor(() => got.length === 1, 'wanted message');
    for (let n = 2; n <= 5; n++) await bus.publishDurable(unwanted, n);
    await bus.close();
    expect(cursorFiles(dir)).toEqual([{ name: 'status', ackSeq: 5 }]);

    const restarted = await InProcessBus.open({ journalDir: dir });
    const after: Array<{ data: number; seq: number }> = [];
    await restarted.consume<number>({ durable: 'status', filterSubjects: [wanted] }, async (b) => void after.push(...b));
    await restarted.publishDurable(wanted, 6);
    await waitFor(() => after.length === 1, 'new wanted message');
    expect(after).toEqual([expect.objectContaining({ data: 6, seq: 6 })]);
    await restarted.close();
  });

  test('are saved within a second without close', async () => {
    const dir = tempDir();
    const bus = await InProcessBus.open({ journalDir: dir });
    await bus.consume<number>({ durable: 'status', filterSubjects: [subjects.event('CP.idle', 'StatusNotification')] }, async () => undefined);
    await bus.publishDurable(subjects.event('CP.idle', 'MeterValues'), 1);
    await waitFor(() => cursorFiles(dir).some((c) => c.ackSeq === 1), 'skipped floor saved', 5_000);
    await bus.close();
  });

  test('a crash before the save only means skipping the same messages again', async () => {
    const dir = tempDir();
    const wanted = subjects.event('CP.crash', 'StatusNotification');
    const crashed = await InProcessBus.open({ journalDir: dir });
    const first: number[] = [];
    await crashed.consume<number>({ durable: 'status', filterSubjects: [wanted] }, async (b) => void first.push(...b.map((m) => m.data)));
    await crashed.publishDurable(wanted, 1);
    await waitFor(() => first.length === 1, 'first');
    await crashed.publishDurable(subjects.event('CP.crash', 'MeterValues'), 2);
    // no close(): dropped as a kill -9 would leave it, the skipped floor (2) possibly unsaved

    const restarted = await InProcessBus.open({ journalDir: dir });
    const second: Array<{ data: number; seq: number }> = [];
    await restarted.consume<number>({ durable: 'status', filterSubjects: [wanted] }, async (b) => void second.push(...b));
    await restarted.publishDurable(wanted, 3);
    await waitFor(() => second.length === 1, 'second');
    expect(second).toEqual([expect.objectContaining({ data: 3, seq: 3 })]);
    await restarted.close();
  });
});
