import { randomUUID } from 'node:crypto';
import { sqlOf } from '#csms/persistence';
import { afterAll, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { InProcessBus, subjects, type CommandReply, type CommandRequest, type QueuedCommandFact } from '#csms/bus';
import { openTestDatabase, type TestDatabase } from '../test-support/database.js';
import { QueuedDelivery } from './delivery.js';
import { expiryOf, MAX_QUEUED_MS } from './expiry.js';
import { QueuedCommandService } from './queued.service.js';
import { MAX_ATTEMPTS, settle } from './settle.js';
import { QueuedCommandStore } from './store.js';

const NOW = new Date('2026-03-01T12:00:00.000Z');

describe('expiryOf', () => {
  it('defaults to the longest wait, and names expiresAt for a past, far or malformed time', () => {
    expect(expiryOf(undefined, NOW)).toEqual({ ok: true, at: new Date(NOW.getTime() + MAX_QUEUED_MS) });
    expect(expiryOf('2026-03-01T13:00:00Z', NOW)).toEqual({ ok: true, at: new Date('2026-03-01T13:00:00Z') });
    expect(expiryOf('2026-03-01T11:00:00Z', NOW)).toMatchObject({ ok: false, error: { field: 'expiresAt', rule: 'future' } });
    expect(expiryOf('2026-03-01T12:00:00Z', NOW)).toMatchObject({ ok: false, error: { field: 'expiresAt', rule: 'future' } });
    expect(expiryOf('2026-04-01T12:00:00Z', NOW)).toMatchObject({ ok: false, error: { field: 'expiresAt', rule: 'max' } });
    for (const bad of ['tomorrow', '2026-03-02', '2026-03-02T10:00:00', 42, ''])
      expect(expiryOf(bad, NOW)).toMatchObject({ ok: false, error: { field: 'expiresAt', rule: 'isoTime' } });
  });
});

describe('settle', () => {
  it('an answer settles the command, no answer leaves it pending for the next connection', () => {
    expect(settle({ status: 'ok', result: { status: 'Accepted' } }, 1)).toEqual({ status: 'succeeded', outcome: 'ok', result: { status: 'Accepted' } });
    expect(settle({ status: 'callerror', code: 'NotSupported', description: 'no', details: {} }, 1)).toEqual({
      status: 'failed',
      outcome: 'callerror',
      error: { code: 'NotSupported', description: 'no', details: {} },
    });
    expect(settle({ status: 'invalid', errors: [{ path: '', message: 'boot Rejected' }] }, 1)).toMatchObject({
      status: 'failed',
      error: { code: 'not_allowed', description: 'boot Rejected' },
    });
    for (const s of ['timeout', 'connection-lost', 'not-connected'] as const)
      expect(settle({ status: s }, MAX_ATTEMPTS - 1)).toEqual({ status: 'pending', outcome: s });
    expect(settle({ status: 'connection-lost' }, MAX_ATTEMPTS)).toMatchObject({ status: 'failed', error: { code: 'attempts_exhausted' } });
  });
});

describe('queued commands on PGlite', () => {
  let t: TestDatabase;
  let bus: InProcessBus;
  let store: QueuedCommandStore;
  /** What the stand-in gateway received, and what it answers next (default Accepted). */
  let received: CommandRequest[];
  let answers: CommandReply[];
  let inFlight = 0;
  let maxInFlight = 0;
  const CP = 'QCP1';

  beforeAll(async () => {
    t = await openTestDatabase();
    bus = new InProcessBus();
    store = new QueuedCommandStore(t.db);
    await bus.serve<CommandRequest, CommandReply>(subjects.command(CP), async (req) => {
      received.push(req);
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
      return answers.shift() ?? { status: 'ok', result: { status: 'Accepted' } };
    });
  });
  afterAll(async () => {
    await bus.close();
    await t.close();
  });
  beforeEach(async () => {
    await t.reset();
    received = [];
    answers = [];
    maxInFlight = 0;
    await sqlOf(t.db).execute(
      `INSERT INTO config_chargers (charger_id, model, connected, boot_status, connected_at) VALUES ($1, 'Go', true, 'Accepted', now() - interval '1 hour')`,
      [CP],
    );
  });

  const delivery = (waits: { connectDelayMs?: number; rebootGraceMs?: number } = {}): QueuedDelivery =>
    new QueuedDelivery(store, bus, { commandTimeoutMs: 2_000, connectDelayMs: 0, ...waits }, { warn: () => undefined });
  /** The hold of a command and the charger's connection after it, moved back: the connection is now `age` old. */
  const later = async (commandId: string, age: string): Promise<void> => {
    await sqlOf(t.db).execute(`UPDATE config_queued_commands SET held_at = held_at - interval '10 minutes' WHERE command_id = $1`, [commandId]);
    await sqlOf(t.db).execute(`UPDATE config_chargers SET connected_at = connected_at - interval '${age}' WHERE charger_id = $1`, [CP]);
  };
  /** The charger's registry row as the connection and boot events leave it (`connectedAt` and `bootAt` are PostgreSQL time expressions). */
  const charger = async (set: { connectedAt?: string; bootAt?: string }): Promise<void> => {
    // A moment later than anything before: a connection or boot "after" a hold is strictly after it.
    await new Promise((r) => setTimeout(r, 3));
    if (set.connectedAt) await sqlOf(t.db).execute(`UPDATE config_chargers SET connected_at = ${set.connectedAt} WHERE charger_id = $1`, [CP]);
    if (set.bootAt) await sqlOf(t.db).execute(`UPDATE config_chargers SET boot_at = ${set.bootAt} WHERE charger_id = $1`, [CP]);
  };
  const queue = async (service: QueuedCommandService, commandId: string, action = 'TriggerMessage', expiresAt?: string): Promise<void> => {
    const r = await service.queue({ commandId, chargerId: CP, action, payload: { requestedMessage: 'Heartbeat' }, ...(expiresAt ? { expiresAt } : {}) });
    expect(r.ok).toBe(true);
  };
  /** Stores a TriggerMessage for CP, due in a minute (a command without side effects). */
  const trigger = (commandId: string) =>
    store.insert({ commandId, chargerId: CP, action: 'TriggerMessage', payload: { requestedMessage: 'Heartbeat' }, expiresAt: new Date(Date.now() + 60_000) });
  const ids = (n: number): string[] => Array.from({ length: n }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);

  it('refuses a charger the registry does not know (404), stores a known one pending', async () => {
    const d = delivery();
    const service = new QueuedCommandService(store, d);
    const refused = await service.queue({ commandId: ids(1)[0], chargerId: 'NEVERSEEN', action: 'Reset', payload: { type: 'Soft' } });
    expect(refused).toMatchObject({ ok: false, status: 404, body: { error: 'unknown_charger' } });
    await sqlOf(t.db).execute(`UPDATE config_chargers SET connected = false WHERE charger_id = $1`, [CP]);
    await queue(service, ids(1)[0]);
    expect((await store.get(ids(1)[0]))?.status).toBe('pending');
    expect(received).toEqual([]);
  });

  it('delivers in creation order, one at a time even from two replicas, each once, with the reply stored', async () => {
    const replicaA = delivery();
    const replicaB = delivery();
    const service = new QueuedCommandService(store, replicaA);
    await sqlOf(t.db).execute(`UPDATE config_chargers SET connected = false WHERE charger_id = $1`, [CP]);
    const five = ids(5);
    for (const id of five) await queue(service, id);
    await Promise.all([replicaA.kick(CP), replicaB.kick(CP), replicaA.kick(CP), replicaB.kick(CP)]);
    await Promise.all([replicaA.idle(), replicaB.idle()]);
    expect(maxInFlight).toBe(1);
    expect(received).toHaveLength(5);
    const sentFor = await Promise.all(five.map(async (id) => (await store.attempts(id)).map((a) => a.sentCommandId)));
    expect(received.map((r) => r.commandId)).toEqual(sentFor.flat());
    for (const id of five) expect(await store.get(id)).toMatchObject({ status: 'succeeded', attempts: 1, result: { status: 'Accepted' } });
    expect(received.every((r) => r.origin === 'queued')).toBe(true);
  });

  it('connection lost mid-call: pending again with the attempt recorded, sent again only after a new connection', async () => {
    const d = delivery();
    const service = new QueuedCommandService(store, d);
    const [first, second] = ids(2);
    await sqlOf(t.db).execute(`UPDATE config_chargers SET connected = false WHERE charger_id = $1`, [CP]);
    await queue(service, first, 'Reset');
    await queue(service, second);
    answers = [{ status: 'connection-lost' }];
    await d.kick(CP);
    expect(received).toHaveLength(1);
    expect(await store.get(first)).toMatchObject({ status: 'pending', attempts: 1 });
    expect(await store.attempts(first)).toMatchObject([{ attempt: 1, outcome: 'connection-lost' }]);
    // The same connection: nothing goes out again, and the second waits behind the first.
    await d.kick(CP);
    expect(received).toHaveLength(1);
    // A new connection without a boot, old enough that no boot is coming: a Reset goes again.
    await charger({ connectedAt: 'now()' });
    await later(first, '1 minute');
    answers = [{ status: 'callerror', code: 'InternalError', description: 'busy', details: {} }];
    await d.kick(CP);
    expect(received.map((r) => r.action)).toEqual(['Reset', 'Reset', 'TriggerMessage']);
    expect(received[0].commandId).not.toBe(received[1].commandId);
    expect(await store.get(first)).toMatchObject({ status: 'failed', attempts: 2, error: { code: 'InternalError', description: 'busy' } });
    expect((await store.attempts(first)).map((a) => a.outcome)).toEqual(['connection-lost', 'callerror']);
    expect(await store.get(second)).toMatchObject({ status: 'succeeded' });
  });

  it('a Reset whose connection closed mid-call is done once the charger booted after it: never sent again', async () => {
    const d = delivery();
    const [reset, next] = ids(2);
    const expiresAt = new Date(Date.now() + 60_000);
    await store.insert({ commandId: reset, chargerId: CP, action: 'Reset', payload: { type: 'Hard' }, expiresAt });
    await store.insert({ commandId: next, chargerId: CP, action: 'TriggerMessage', payload: { requestedMessage: 'Heartbeat' }, expiresAt });
    answers = [{ status: 'connection-lost' }];
    await d.kick(CP);
    expect(await store.get(reset)).toMatchObject({ status: 'pending', attempts: 1 });
    // The reboot's connection is recorded before its BootNotification: that connection is not ready, and a held
    // Reset is never sent to a connection younger than the reboot grace (a sweep's kick falls here in CI).
    await charger({ connectedAt: 'now()' });
    await d.kick(CP);
    await d.sweep();
    await d.idle();
    expect(received.map((r) => r.action)).toEqual(['Reset']);
    expect(await store.get(reset)).toMatchObject({ status: 'pending', attempts: 1 });
    await charger({ bootAt: 'now()' });
    await d.kick(CP);
    expect(await store.get(reset)).toMatchObject({ status: 'succeeded', attempts: 1, result: { rebooted: true } });
    expect(received.map((r) => r.action)).toEqual(['Reset', 'TriggerMessage']);
  });

  it('a Reset the boot settles is never claimed, also when the boot was recorded after the settle check ran', async () => {
    const d = delivery({ rebootGraceMs: 60_000 });
    const [reset] = ids(1);
    await store.insert({ commandId: reset, chargerId: CP, action: 'Reset', payload: { type: 'Hard' }, expiresAt: new Date(Date.now() + 600_000) });
    answers = [{ status: 'connection-lost' }];
    await d.kick(CP);
    // A delivery loop ran its settle check before the reboot's boot was recorded, and claims after it (CI, twice).
    expect(await store.settleRebootedResets(CP)).toEqual([]);
    await charger({ connectedAt: 'now()' });
    await charger({ bootAt: 'now()' });
    expect(await store.claimNext(CP, 30_000, randomUUID(), { connectDelayMs: 0, rebootGraceMs: 60_000 })).toBeUndefined();
    // The boot's own delivery then settles it.
    await d.kick(CP);
    expect(await store.get(reset)).toMatchObject({ status: 'succeeded', attempts: 1, result: { rebooted: true } });
    expect(received.map((r) => r.action)).toEqual(['Reset']);
  });

  it('a held Reset goes again on a connection without a boot only once that connection is older than the reboot grace', async () => {
    // The grace spelled out (it is also the default): the test is about that figure.
    const d = delivery({ rebootGraceMs: 60_000 });
    const [reset] = ids(1);
    await store.insert({ commandId: reset, chargerId: CP, action: 'Reset', payload: { type: 'Hard' }, expiresAt: new Date(Date.now() + 600_000) });
    answers = [{ status: 'connection-lost' }];
    await d.kick(CP);
    await charger({ connectedAt: 'now()' });
    await d.kick(CP);
    expect(received).toHaveLength(1);
    // The same connection 61 s later, no boot on it: the charger did not reboot, so it did not get the Reset.
    await later(reset, '61 seconds');
    await d.kick(CP);
    expect(received.map((r) => r.action)).toEqual(['Reset', 'Reset']);
    expect(await store.get(reset)).toMatchObject({ status: 'succeeded', attempts: 2 });
  });

  it('a connection the charger has not booted on gets nothing until connectDelayMs, unless it boots on it', async () => {
    const d = delivery({ connectDelayMs: 5_000 });
    const [a] = ids(1);
    await trigger(a);
    await charger({ connectedAt: 'now()' });
    await d.kick(CP);
    expect(received).toEqual([]);
    await charger({ bootAt: 'now()' });
    await d.kick(CP);
    expect(await store.get(a)).toMatchObject({ status: 'succeeded', attempts: 1 });
    // Older than the delay without a boot on it (a reconnect without a reboot) is ready too.
    const [b] = ids(2).slice(1);
    await trigger(b);
    await charger({ connectedAt: 'now()' });
    await d.kick(CP);
    expect(await store.get(b)).toMatchObject({ status: 'pending', attempts: 0 });
    await charger({ connectedAt: `now() - interval '6 seconds'` });
    await d.kick(CP);
    expect(await store.get(b)).toMatchObject({ status: 'succeeded', attempts: 1 });
  });

  it('no gateway holds the charger: nothing was sent, so no attempt is counted and nothing is held', async () => {
    const d = delivery();
    const [a] = ids(1);
    await trigger(a);
    answers = [{ status: 'not-connected' }];
    const facts: QueuedCommandFact[] = [];
    const publish = jest.spyOn(bus, 'publishDurable').mockImplementation(async (subject, fact) => {
      if (subject === subjects.fact(CP, 'QueuedCommand')) facts.push(fact as QueuedCommandFact);
    });
    try {
      await d.kick(CP);
      expect(await store.get(a)).toMatchObject({ status: 'pending', attempts: 0 });
      expect(await store.attempts(a)).toEqual([]);
      await d.kick(CP);
    } finally {
      publish.mockRestore();
    }
    expect(await store.get(a)).toMatchObject({ status: 'succeeded', attempts: 1 });
    expect(received).toHaveLength(2);
    // The stream takes back the delivered that went nowhere: pending again, no attempt counted.
    expect(facts.map((f) => [f.event, f.status, f.attempt, f.outcome])).toEqual([
      ['delivered', 'delivering', 1, undefined],
      ['retry', 'pending', undefined, 'not-connected'],
      ['delivered', 'delivering', 1, undefined],
      ['succeeded', 'succeeded', 1, 'ok'],
    ]);
  });

  it('expires what is due at delivery and at the sweep; cancels only while pending', async () => {
    const d = delivery();
    const service = new QueuedCommandService(store, d);
    const [a, b, c] = ids(3);
    await sqlOf(t.db).execute(`UPDATE config_chargers SET connected = false WHERE charger_id = $1`, [CP]);
    await queue(service, a, 'TriggerMessage', new Date(Date.now() + 60_000).toISOString());
    await queue(service, b);
    await queue(service, c);
    await sqlOf(t.db).execute(`UPDATE config_queued_commands SET expires_at = now() - interval '1 second' WHERE command_id = $1`, [a]);
    expect(await service.cancel(b, 'api:ops')).toMatchObject({ ok: true, data: { status: 'cancelled', cancelledBy: 'api:ops' } });
    expect(await service.cancel(b, 'api:ops')).toMatchObject({ ok: false, status: 409, body: { error: 'not_pending' } });
    expect(await service.cancel('00000000-0000-4000-8000-999999999999', 'api:ops')).toMatchObject({ ok: false, status: 404 });
    await sqlOf(t.db).execute(`UPDATE config_chargers SET connected = true WHERE charger_id = $1`, [CP]);
    await d.sweep();
    await d.idle();
    expect(await store.get(a)).toMatchObject({ status: 'expired' });
    expect(await store.get(c)).toMatchObject({ status: 'succeeded' });
    expect(received).toHaveLength(1);
    const page = await service.list({ chargerId: CP, status: 'expired' });
    expect(page).toMatchObject({ ok: true, data: { total: 1, items: [{ commandId: a }] } });
    expect(await service.list({ chargerId: 'NEVERSEEN' })).toMatchObject({ ok: false, status: 404, body: { error: 'unknown_charger' } });
    const all = await service.list({ chargerId: CP });
    expect(all.ok && all.data.items.map((i) => i.commandId)).toEqual([c, b, a]);
  });

  it('a claim whose replica died is freed by the sweep: its attempt is interrupted and the command goes again', async () => {
    const d = delivery();
    const [a] = ids(1);
    await trigger(a);
    const waits = { connectDelayMs: 0, rebootGraceMs: 0 };
    expect(await store.claimNext(CP, 0, 'sent-1', waits)).toMatchObject({ commandId: a, attempt: 1 });
    // The claim is held: nobody else takes it, nor the command behind it.
    expect(await store.claimNext(CP, 0, 'sent-x', waits)).toBeUndefined();
    // The charger rebooted meanwhile (the sweep's hold comes after this connection, its boot after the hold).
    await sqlOf(t.db).execute(
      `UPDATE config_chargers SET connected_at = now() + interval '1 second', boot_at = now() + interval '1 second' WHERE charger_id = $1`,
      [CP],
    );
    await d.sweep();
    await d.idle();
    expect(await store.get(a)).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect((await store.attempts(a)).map((x) => x.outcome)).toEqual(['interrupted', 'ok']);
  });
});
