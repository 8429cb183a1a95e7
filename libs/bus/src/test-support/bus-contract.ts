/**
 * The behaviour every Bus must show, as one jest suite to run against each implementation
 * (bus.contract spec for InProcessBus, nats-bus.infra for NatsBus). Subjects and durable names are
 * unique per test, so the suite also runs against a shared, long-lived NATS stream.
 */
import { randomBytes } from 'node:crypto';
import { NoRespondersError, RemoteHandlerError, RequestTimeoutError, type Bus, type DurableMessage, type Subscription } from '../bus.js';
import { parseEventSubject, subjects } from '../subjects.js';
import { waitFor } from '#csms/testing';

const uid = (): string => randomBytes(4).toString('hex');

/** Polls until `get` gives a value. */
async function eventually<T>(get: () => Promise<T | undefined>, what: string, deadlineMs = 20_000): Promise<T> {
  let value: T | undefined;
  await waitFor(async () => (value = await get()) !== undefined, what, deadlineMs);
  return value as T;
}

/** Deliveries the contract's poison tests expect before a dead letter: pass it to the bus the factory makes. */
export const CONTRACT_MAX_DELIVERIES = 3;

export function busContract(name: string, factory: (options: { maxDeliveries: number }) => Promise<Bus>): void {
  describe(`Bus contract: ${name}`, () => {
    let bus: Bus;
    const subs: Subscription[] = [];
    beforeEach(async () => {
      bus = await factory({ maxDeliveries: CONTRACT_MAX_DELIVERIES });
    });
    afterEach(async () => {
      for (const s of subs.splice(0)) await s.unsubscribe();
      await bus.close();
    });

    test('wildcards: * is one token, > is the rest; delivery is never synchronous', async () => {
      const root = `t${uid()}`;
      const star: string[] = [];
      const rest: string[] = [];
      subs.push(await bus.subscribe<string>(`${root}.*.x`, (d) => void star.push(d)));
      subs.push(await bus.subscribe<string>(`${root}.>`, (d) => void rest.push(d)));
      await bus.publish(`${root}.a.x`, 'a.x');
      expect(star).toEqual([]);
      for (const s of ['a.y', 'a.b.x', 'b']) await bus.publish(`${root}.${s}`, s);
      await bus.publish(`${root}.end.x`, 'end.x');
      await waitFor(() => star.includes('end.x') && rest.includes('end.x'), 'sentinel');
      expect(star).toEqual(['a.x', 'end.x']);
      expect(rest).toEqual(['a.x', 'a.y', 'a.b.x', 'b', 'end.x']);
    });

    test('request/reply: one member of a queue group answers, a server without queue answers every request', async () => {
      const subject = `t${uid()}.req`;
      const counts = { a: 0, b: 0, solo: 0 };
      subs.push(await bus.serve<number, number>(subject, async (n) => (counts.a++, n * 2), { queue: 'g' }));
      subs.push(await bus.serve<number, number>(subject, async (n) => (counts.b++, n * 2), { queue: 'g' }));
      subs.push(await bus.serve<number, number>(`${subject.split('.')[0]}.*`, async () => (counts.solo++, -1)));
      const replies: number[] = [];
      for (let i = 0; i < 20; i++) replies.push(await bus.request<number, number>(subject, i));
      await waitFor(() => counts.a + counts.b === 20 && counts.solo === 20, 'all handlers ran');
      expect(counts.a).toBeGreaterThan(0);
      expect(counts.b).toBeGreaterThan(0);
      expect(replies.every((r, i) => r === i * 2 || r === -1)).toBe(true);
    });

    test('no responders, timeout and remote errors', async () => {
      const root = `t${uid()}`;
      await expect(bus.request(`${root}.nobody`, {})).rejects.toBeInstanceOf(NoRespondersError);
      subs.push(await bus.serve(`${root}.slow`, () => new Promise<never>(() => undefined)));
      const timeout = bus.request(`${root}.slow`, {}, { timeoutMs: 200 });
      await expect(timeout).rejects.toBeInstanceOf(RequestTimeoutError);
      await expect(timeout).rejects.toMatchObject({ code: 'BUS_TIMEOUT', timeoutMs: 200 });
      subs.push(
        await bus.serve(`${root}.boom`, async () => {
          throw new Error('boom: bad idTag');
        }),
      );
      const failed = bus.request(`${root}.boom`, {});
      await expect(failed).rejects.toBeInstanceOf(RemoteHandlerError);
      await expect(failed).rejects.toMatchObject({ message: 'boom: bad idTag', code: 'BUS_REMOTE_ERROR' });
      subs.push(await bus.serve(`${root}.void`, async () => undefined));
      await expect(bus.request(`${root}.void`, { a: 1 })).resolves.toBeUndefined();
    });

    test('identities with . * > spaces % and non-ASCII reach exactly their own command subject and event', async () => {
      const suffix = uid();
      const ids = ['CP.1', 'CP*2', 'CP>3', 'CP 4', 'CP%5', 'Ladestasjon-Ø', '充电桩', '*', '>', 'CP~2E1'].map((s) => `${s}-${suffix}`);
      const calls = new Map<string, number>();
      for (const id of ids) {
        subs.push(
          await bus.serve<{ to: string }, string>(subjects.command(id), async (req) => {
            calls.set(id, (calls.get(id) ?? 0) + 1);
            return `${id}<-${req.to}`;
          }),
        );
      }
      for (const id of ids) expect(await bus.request<{ to: string }, string>(subjects.command(id), { to: id })).toBe(`${id}<-${id}`);
      await waitFor(() => ids.every((id) => calls.get(id) === 1), 'one call each');
      expect([...calls.values()].reduce((a, b) => a + b, 0)).toBe(ids.length);

      const seen: string[] = [];
      subs.push(
        await bus.consume<string>({ durable: `ids-${suffix}`, filterSubjects: ids.map((id) => subjects.event(id, 'StatusNotification')) }, async (batch) => {
          for (const m of batch) seen.push(`${parseEventSubject(m.subject)?.identity}=${m.data}`);
        }),
      );
      for (const id of ids) await bus.publishDurable(subjects.event(id, 'StatusNotification'), id);
      await waitFor(() => seen.length === ids.length, 'all events');
      expect(seen.sort()).toEqual(ids.map((id) => `${id}=${id}`).sort());
    });

    test('durable publish is de-duplicated by msgId; a consumer created later gets earlier messages in order', async () => {
      const id = `cp-${uid()}`;
      const subject = subjects.event(id, 'MeterValues');
      await bus.publishDurable(subject, { n: 1 }, { msgId: `${id}:1` });
      await bus.publishDurable(subject, { n: 1, again: true }, { msgId: `${id}:1` });
      await Promise.all([bus.publishDurable(subject, { n: 2 }, { msgId: `${id}:2` }), bus.publishDurable(subject, { n: 2 }, { msgId: `${id}:2` })]);
      await bus.publishDurable(subject, { n: 3 });
      const got: Array<DurableMessage<{ n: number }>> = [];
      subs.push(await bus.consume<{ n: number }>({ durable: `late-${id}`, filterSubjects: [subject] }, async (batch) => void got.push(...batch)));
      await waitFor(() => got.some((m) => m.data.n === 3), 'last message');
      expect(got.map((m) => m.data)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
      expect(got.every((m) => m.deliveryCount === 1 && m.subject === subject)).toBe(true);
      expect(got[0].seq).toBeLessThan(got[1].seq);
      expect(got[1].seq).toBeLessThan(got[2].seq);
    });

    test('a rejected batch is split at once and every message still arrives; two durable names each get everything', async () => {
      const id = `cp-${uid()}`;
      const subject = subjects.event(id, 'StopTransaction');
      for (let n = 1; n <= 5; n++) await bus.publishDurable(subject, n);
      const first: Array<DurableMessage<number>> = [];
      let rejected = 0;
      subs.push(
        await bus.consume<number>({ durable: `a-${id}`, filterSubjects: [subject] }, async (batch) => {
          if (rejected === 0) {
            rejected = batch.length;
            throw new Error('flaky once');
          }
          first.push(...batch);
        }),
      );
      const second: number[] = [];
      subs.push(
        await bus.consume<number>({ durable: `b-${id}`, filterSubjects: [subject], maxBatch: 2 }, async (batch) => {
          expect(batch.length).toBeLessThanOrEqual(2);
          second.push(...batch.map((m) => m.data));
        }),
      );
      await waitFor(() => new Set(first.map((m) => m.data)).size === 5 && second.length === 5, 'both consumers');
      expect(second).toEqual([1, 2, 3, 4, 5]);
      expect(rejected).toBeGreaterThan(0);
      expect(first.map((m) => m.data).sort()).toEqual([1, 2, 3, 4, 5]);
      expect((await bus.deadLetters.list({ consumer: `a-${id}`, limit: 10, offset: 0 })).total).toBe(0);
    });

    test('a poison message: the innocents of its batch are processed in the first delivery, it is dead-lettered after the last attempt, later messages flow', async () => {
      const id = `cp-${uid()}`;
      const durable = `poison-${id}`;
      const subject = subjects.event(id, 'MeterValues');
      const poison = { n: 3, poison: true };
      for (const data of [{ n: 1 }, { n: 2 }, poison, { n: 4 }, { n: 5 }]) await bus.publishDurable(subject, data);
      const stored: Array<DurableMessage<{ n: number; poison?: boolean }>> = [];
      const poisonDeliveries: number[] = [];
      subs.push(
        await bus.consume<{ n: number; poison?: boolean }>({ durable, filterSubjects: [subject] }, async (batch) => {
          const bad = batch.find((m) => m.data.poison);
          if (bad) {
            poisonDeliveries.push(bad.deliveryCount);
            throw new Error('value out of range for type integer');
          }
          stored.push(...batch);
        }),
      );
      await waitFor(() => stored.length === 4, 'the four innocents');
      expect(stored.map((m) => m.data.n).sort()).toEqual([1, 2, 4, 5]);
      expect(stored.every((m) => m.deliveryCount === 1)).toBe(true);

      const letters = await eventually(async () => {
        const page = await bus.deadLetters.list({ consumer: durable, limit: 10, offset: 0 });
        return page.total === 1 ? page : undefined;
      }, 'the dead letter');
      const [letter] = letters.items;
      expect(letter).toMatchObject({
        consumer: durable,
        subject,
        data: poison,
        attempts: CONTRACT_MAX_DELIVERIES,
        error: 'value out of range for type integer',
      });
      expect(Math.max(...poisonDeliveries)).toBe(CONTRACT_MAX_DELIVERIES);
      expect(await bus.deadLetters.get(letter.id)).toEqual(letter);
      expect((await bus.deadLetters.list({ consumer: `other-${id}`, limit: 10, offset: 0 })).total).toBe(0);

      // the floor moved past it: a later message is stored, the poison is not handed again
      await bus.publishDurable(subject, { n: 6 });
      await waitFor(() => stored.some((m) => m.data.n === 6), 'a later message');
      const deliveriesSoFar = poisonDeliveries.length;
      const stats = await eventually(async () => {
        const s = (await bus.consumerStats()).find((c) => c.consumer === durable);
        return s && s.pending === 0 ? s : undefined;
      }, 'nothing pending');
      expect(stats).toMatchObject({ deadLettered: 1, stalled: false });
      // asked by name, the same consumer's figures and no other's
      expect(await bus.consumerStats(durable)).toEqual([expect.objectContaining({ consumer: durable, pending: 0, deadLettered: 1 })]);
      expect(await bus.consumerStats(`absent-${id}`)).toEqual([]);
      expect(stats.redelivered).toBeGreaterThanOrEqual(CONTRACT_MAX_DELIVERIES - 1);
      expect(poisonDeliveries.length).toBe(deliveriesSoFar);
    });

    test('replay after a fix: the dead letter goes back to its own consumer only, and leaves the store', async () => {
      const id = `cp-${uid()}`;
      const durable = `replay-${id}`;
      const subject = subjects.event(id, 'StatusNotification');
      let fixed = false;
      const stored: Array<DurableMessage<string>> = [];
      const bystander: string[] = [];
      subs.push(
        await bus.consume<string>({ durable, filterSubjects: [subject] }, async (batch) => {
          if (!fixed && batch.some((m) => m.data === 'bad')) throw new Error('constraint violated');
          stored.push(...batch);
        }),
      );
      subs.push(
        await bus.consume<string>({ durable: `bystander-${id}`, filterSubjects: [subject] }, async (batch) => void bystander.push(...batch.map((m) => m.data))),
      );
      for (const data of ['ok-1', 'bad', 'ok-2']) await bus.publishDurable(subject, data);
      const letter = await eventually(async () => (await bus.deadLetters.list({ consumer: durable, limit: 1, offset: 0 })).items[0], 'dead letter');
      expect(bystander).toEqual(['ok-1', 'bad', 'ok-2']);
      fixed = true;
      expect(await bus.deadLetters.replay(letter.id)).toMatchObject({ id: letter.id, data: 'bad' });
      await waitFor(() => stored.some((m) => m.data === 'bad'), 'the replayed message');
      expect(stored.find((m) => m.data === 'bad')?.deliveryCount).toBe(1);
      expect(await bus.deadLetters.get(letter.id)).toBeUndefined();
      await bus.publishDurable(subject, 'ok-3');
      await waitFor(() => bystander.includes('ok-3'), 'bystander sentinel');
      expect(bystander).toEqual(['ok-1', 'bad', 'ok-2', 'ok-3']);
      expect(await bus.deadLetters.replay(letter.id)).toBeUndefined();
      expect(await bus.deadLetters.remove(letter.id)).toBe(false);
    });

    test('an outage (every message fails) dead-letters nothing: all of it is redelivered until it works', async () => {
      const id = `cp-${uid()}`;
      const durable = `outage-${id}`;
      const subject = subjects.event(id, 'MeterValues');
      let down = true;
      let maxDelivery = 0;
      const stored: number[] = [];
      subs.push(
        await bus.consume<number>({ durable, filterSubjects: [subject] }, async (batch) => {
          maxDelivery = Math.max(maxDelivery, ...batch.map((m) => m.deliveryCount));
          if (down) throw new Error('connection refused');
          stored.push(...batch.map((m) => m.data));
        }),
      );
      for (let n = 1; n <= 4; n++) await bus.publishDurable(subject, n);
      await waitFor(() => maxDelivery > CONTRACT_MAX_DELIVERIES, 'more deliveries than allowed for a poison message', 30_000);
      down = false;
      await waitFor(() => new Set(stored).size === 4, 'everything after the outage', 30_000);
      expect((await bus.deadLetters.list({ consumer: durable, limit: 10, offset: 0 })).total).toBe(0);
    });

    test('a handler that never settles gets its message again after the ack wait', async () => {
      const id = `cp-${uid()}`;
      const subject = subjects.event(id, 'StopTransaction');
      const calls: number[] = [];
      const stored: number[] = [];
      subs.push(
        await bus.consume<string>({ durable: `hang-${id}`, filterSubjects: [subject], ackWaitMs: 1_000 }, async (batch) => {
          calls.push(batch[0].deliveryCount);
          if (calls.length === 1) return new Promise<void>(() => undefined);
          stored.push(...batch.map((m) => m.deliveryCount));
        }),
      );
      await bus.publishDurable(subject, 'stop');
      await waitFor(() => stored.length === 1, 'redelivered after the ack wait', 30_000);
      expect(calls[0]).toBe(1);
      expect(stored[0]).toBeGreaterThan(1);
    });

    test('healthy while open', async () => {
      expect(await bus.healthy()).toBe(true);
    });
  });
}
