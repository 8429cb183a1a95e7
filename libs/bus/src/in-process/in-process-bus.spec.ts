import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { DurableMessage } from '../bus.js';
import { busContract } from '../test-support/bus-contract.js';
import { traceContract } from '../test-support/trace-contract.js';
import { subjects } from '../subjects.js';
import { subjectMatches } from '../subject-match.js';
import { waitFor } from '#csms/testing';
import { InProcessBus, NoStreamError } from './in-process-bus.js';

busContract('InProcessBus (memory)', ({ maxDeliveries }) => InProcessBus.open({ maxDeliveries }));

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const tempDir = (): string => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'csms-bus-'));
  dirs.push(d);
  return d;
};

busContract('InProcessBus (journaled)', ({ maxDeliveries }) => InProcessBus.open({ journalDir: tempDir(), maxDeliveries }));

describe('subjectMatches', () => {
  test.each([
    ['a.*.c', 'a.b.c', true],
    ['a.*.c', 'a.b.b.c', false],
    ['a.>', 'a', false],
    ['a.>', 'a.b.c', true],
    ['a.b', 'a.b', true],
    ['*', 'a', true],
    ['*', 'a.b', false],
    ['>', 'a.b', true],
  ])('%s ~ %s = %s', (filter, subject, expected) => expect(subjectMatches(filter, subject)).toBe(expected));
});

describe('InProcessBus routing', () => {
  test('a request reaches its one subscriber among thousands of others, and a wildcard one; an unsubscribe leaves the rest', async () => {
    const bus = await InProcessBus.open();
    const others = await Promise.all(Array.from({ length: 5_000 }, (_, i) => bus.serve(`cmd.CP-${i}`, async () => `CP-${i}`)));
    const first = await bus.serve('cmd.CP-X', async () => 'first');
    const second = await bus.serve('cmd.CP-X', async () => 'second');
    const seen: string[] = [];
    await bus.subscribe('cmd.*', (_data, subject) => void seen.push(subject));
    expect(await bus.request('cmd.CP-4321', {})).toBe('CP-4321');
    expect(['first', 'second']).toContain(await bus.request('cmd.CP-X', {}));
    await first.unsubscribe();
    expect(await bus.request('cmd.CP-X', {})).toBe('second');
    await second.unsubscribe();
    await others[7].unsubscribe();
    await expect(bus.request('cmd.CP-X', {}, { timeoutMs: 200 })).rejects.toThrow(/no reply on/);
    await expect(bus.request('cmd.CP-7', {}, { timeoutMs: 200 })).rejects.toThrow(/no reply on/);
    await waitFor(() => seen.length >= 3, 'the wildcard subscriber to see the requests');
    expect(seen.slice(0, 3)).toEqual(['cmd.CP-4321', 'cmd.CP-X', 'cmd.CP-X']);
    await bus.close();
  });
});

describe('InProcessBus journal', () => {
  test('survives a crash: acked messages stay acked, unacked ones are redelivered', async () => {
    const dir = tempDir();
    const subject = subjects.event('CP.1', 'MeterValues');
    const crashed = await InProcessBus.open({ journalDir: dir });
    for (let n = 1; n <= 3; n++) await crashed.publishDurable(subject, n, { msgId: `m${n}` });
    const firstRun: number[] = [];
    const sub = await crashed.consume<number>({ durable: 'metering', filterSubjects: [subject] }, async (b) => void firstRun.push(...b.map((m) => m.data)));
    await waitFor(() => firstRun.length === 3, 'first run');
    await sub.unsubscribe();
    await Promise.all([4, 5, 6].map((n) => crashed.publishDurable(subject, n, { msgId: `m${n}` })));
    // no close(): the instance is dropped as a kill -9 would leave it

    const restarted = await InProcessBus.open({ journalDir: dir });
    await restarted.publishDurable(subject, 4, { msgId: 'm4' }); // still inside the duplicate window
    const secondRun: Array<DurableMessage<number>> = [];
    await restarted.consume<number>({ durable: 'metering', filterSubjects: [subject] }, async (b) => void secondRun.push(...b));
    await restarted.publishDurable(subject, 7);
    await waitFor(() => secondRun.some((m) => m.data === 7), 'second run');
    expect(secondRun.map((m) => m.data)).toEqual([4, 5, 6, 7]);
    const later: number[] = [];
    await restarted.consume<number>({ durable: 'audit', filterSubjects: [subject] }, async (b) => void later.push(...b.map((m) => m.data)));
    await waitFor(() => later.length === 7, 'new consumer gets the retained history');
    expect(later).toEqual([1, 2, 3, 4, 5, 6, 7]);
    await restarted.close();
    expect(readdirSync(path.join(dir, 'segments')).length).toBeGreaterThan(0);
  });

  test('a dead-lettered poison message stays dead after a crash: the floor is past it, later messages are stored, the dead letter is kept', async () => {
    const dir = path.join(tempDir(), 'journal'); // not there yet, as on a first start
    const subject = subjects.event('CP-poison', 'StatusNotification');
    const handler = (stored: number[], poisonSeen: number[]) => async (batch: Array<DurableMessage<number>>) => {
      if (batch.some((m) => m.data === 0)) {
        poisonSeen.push(0);
        throw new Error('date/time field value out of range');
      }
      stored.push(...batch.map((m) => m.data));
    };
    const crashed = await InProcessBus.open({ journalDir: dir, maxDeliveries: 2 });
    for (const n of [1, 0, 2]) await crashed.publishDurable(subject, n);
    const firstRun: number[] = [];
    await crashed.consume<number>({ durable: 'metering', filterSubjects: [subject] }, handler(firstRun, []));
    await waitFor(async () => (await crashed.deadLetters.list({ limit: 10, offset: 0 })).total === 1, 'dead letter');
    await crashed.publishDurable(subject, 3);
    await waitFor(() => firstRun.includes(3), 'a message after the poison');
    // no close(): the instance is dropped as a kill -9 would leave it

    const restarted = await InProcessBus.open({ journalDir: dir, maxDeliveries: 2 });
    const secondRun: number[] = [];
    const poisonSeen: number[] = [];
    await restarted.consume<number>({ durable: 'metering', filterSubjects: [subject] }, handler(secondRun, poisonSeen));
    await restarted.publishDurable(subject, 4);
    await waitFor(() => secondRun.includes(4), 'stored after the restart');
    expect(poisonSeen).toEqual([]);
    const { items, total } = await restarted.deadLetters.list({ consumer: 'metering', limit: 10, offset: 0 });
    expect(total).toBe(1);
    expect(items[0]).toMatchObject({ consumer: 'metering', subject, data: 0, attempts: 2, error: 'date/time field value out of range' });
    expect((await restarted.consumerStats()).find((c) => c.consumer === 'metering')?.pending).toBe(0);
    expect(await restarted.deadLetters.remove(items[0].id)).toBe(true);
    await restarted.close();
    const reopened = await InProcessBus.open({ journalDir: dir });
    expect((await reopened.deadLetters.list({ limit: 10, offset: 0 })).total).toBe(0);
    await reopened.close();
  });

  test('a consumer that settles nothing while messages wait is reported stalled, and no longer once it works again', async () => {
    const bus = await InProcessBus.open({ stallAfterMs: 300 });
    const subject = subjects.event('CP-stall', 'MeterValues');
    let down = true;
    await bus.consume<number>({ durable: 'stalling', filterSubjects: [subject] }, async () => {
      if (down) throw new Error('connection refused');
    });
    const stalled = async (): Promise<boolean | undefined> => (await bus.consumerStats()).find((s) => s.consumer === 'stalling')?.stalled;
    expect(await stalled()).toBe(false);
    await bus.publishDurable(subject, 1);
    await waitFor(async () => (await stalled()) === true, 'stalled');
    expect((await bus.consumerStats())[0]).toMatchObject({ pending: 1, deadLettered: 0 });
    down = false;
    await waitFor(async () => (await stalled()) === false, 'moving again', 30_000);
    expect((await bus.consumerStats())[0].pending).toBe(0);
    await bus.close();
  });

  test('rejects a durable publish no stream stores', async () => {
    const bus = await InProcessBus.open();
    await expect(bus.publishDurable('not.in.stream', 1)).rejects.toBeInstanceOf(NoStreamError);
    await bus.close();
  });

  test('close waits for the in-flight batch', async () => {
    const bus = await InProcessBus.open();
    let release!: () => void;
    let finished = false;
    const subject = subjects.event('CP-close', 'MeterValues');
    await bus.consume({ durable: 'slow', filterSubjects: [subject] }, async () => {
      await new Promise<void>((r) => (release = r));
      finished = true;
    });
    await bus.publishDurable(subject, 1);
    await waitFor(() => release !== undefined, 'batch started');
    const closing = bus.close();
    release();
    await closing;
    expect(finished).toBe(true);
  });
});

traceContract('InProcessBus', () => InProcessBus.open({}));
