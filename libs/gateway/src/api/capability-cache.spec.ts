import { InProcessBus, serveVerb, subjects, type BootFact, type ConnectionEvent, type ReplyOf } from '#csms/bus';
import { checkCapability, ok, refuse } from '#csms/http';
import * as configManager from '#csms/config-manager/verbs';
import { capabilitiesOf, type ChargerModel } from '#csms/zaptec-profile';
import { CapabilityCache } from './capability-cache.js';

type Reply = ReplyOf<typeof configManager.getCharger>;
type Summary = Extract<Reply, { ok: true }>['data'];

/** A stand-in registry on the real in-process bus: answers each charger's model, counts the questions. */
class Registry {
  readonly models = new Map<string, ChargerModel>();
  asked = 0;
  /** When set, answers wait for it (a lookup in flight). */
  hold?: Promise<void>;

  async answer(chargerId: string): Promise<Reply> {
    this.asked++;
    const model = this.models.get(chargerId);
    await this.hold;
    if (!model) return refuse(404, 'not_found', `charger ${chargerId} not found`);
    // Only what the capability check reads; the rest of a summary plays no part here.
    return ok({ id: chargerId, model, capabilities: capabilitiesOf(model) } as Summary);
  }
}

/** Resolves once a probe subscribed before `send` saw the message: the cache (subscribed earlier) saw it too. */
async function core(bus: InProcessBus, subject: string, data: unknown): Promise<void> {
  let seen!: () => void;
  const arrived = new Promise<void>((r) => (seen = r));
  const probe = await bus.subscribe(subject, () => seen());
  await bus.publish(subject, data);
  await arrived;
  await probe.unsubscribe();
  await new Promise((r) => setImmediate(r));
}

async function durable(bus: InProcessBus, subject: string, data: unknown): Promise<void> {
  const probe = await bus.readStream({ filterSubjects: [subject] });
  await bus.publishDurable(subject, data);
  for await (const _ of probe) break;
  await probe.close();
  await new Promise((r) => setImmediate(r));
}

describe('CapabilityCache', () => {
  let bus: InProcessBus;
  let registry: Registry;
  let cache: CapabilityCache;
  let clock: number;

  beforeEach(async () => {
    bus = await InProcessBus.open();
    registry = new Registry();
    registry.models.set('CP1', 'zaptec-go');
    await serveVerb(bus, configManager.getCharger, ({ chargerId }) => registry.answer(chargerId));
    clock = 0;
    cache = new CapabilityCache(bus, 3, 60_000, () => clock);
    await cache.start();
  });

  afterEach(async () => {
    await cache.stop();
    await bus.close();
  });

  it('asks the registry once for repeated commands to the same charger', async () => {
    expect(await checkCapability(bus, 'CP1', 'GetDiagnostics', cache)).toEqual({ ok: true });
    expect(await checkCapability(bus, 'CP1', 'Reset', cache)).toEqual({ ok: true });
    expect(registry.asked).toBe(1);
  });

  it('asks again after a model override is announced, and refuses what the new model lacks', async () => {
    await checkCapability(bus, 'CP1', 'GetDiagnostics', cache);
    registry.models.set('CP1', 'zaptec-pro');
    await core(bus, subjects.registryChanged('CP1'), { chargerId: 'CP1' });
    expect(await checkCapability(bus, 'CP1', 'GetDiagnostics', cache)).toMatchObject({ ok: false, model: 'zaptec-pro' });
    expect(registry.asked).toBe(2);
  });

  it('drops a charger on its connection events and Boot facts, and only that charger', async () => {
    registry.models.set('CP2', 'zaptec-go');
    await cache.capabilities('CP1');
    await cache.capabilities('CP2');
    const connected: ConnectionEvent = { chargerId: 'CP1', gatewayId: 'g', sessionId: 's', at: new Date().toISOString(), state: 'connected' };
    await durable(bus, subjects.connection('CP1'), connected);
    await cache.capabilities('CP1');
    await cache.capabilities('CP2');
    expect(registry.asked).toBe(3);
    const boot: BootFact = { chargerId: 'CP2', status: 'Accepted', vendor: 'Zaptec', model: 'Pro', firmwareVersion: null, serialNumber: null, at: '' };
    await durable(bus, subjects.fact('CP2', 'Boot'), boot);
    await cache.capabilities('CP1');
    await cache.capabilities('CP2');
    expect(registry.asked).toBe(4);
  });

  it('does not keep an answer read before a change announced while the lookup was in flight', async () => {
    let release!: () => void;
    registry.hold = new Promise<void>((r) => (release = r));
    const inFlight = cache.capabilities('CP1');
    await core(bus, subjects.registryChanged('CP1'), { chargerId: 'CP1' });
    release();
    registry.hold = undefined;
    await inFlight;
    await cache.capabilities('CP1');
    expect(registry.asked).toBe(2);
    await cache.capabilities('CP1');
    expect(registry.asked).toBe(2);
  });

  it('keeps no answer for an unknown charger', async () => {
    expect((await cache.capabilities('NOPE')).ok).toBe(false);
    await cache.capabilities('NOPE');
    expect(registry.asked).toBe(2);
    expect(cache.size).toBe(0);
  });

  it('holds at most its bound, dropping the oldest', async () => {
    for (const id of ['A', 'B', 'C', 'D']) registry.models.set(id, 'zaptec-go');
    for (const id of ['A', 'B', 'C', 'D']) await cache.capabilities(id);
    expect(cache.size).toBe(3);
    await cache.capabilities('D');
    expect(registry.asked).toBe(4);
    await cache.capabilities('A');
    expect(registry.asked).toBe(5);
  });

  it('asks again once an answer is older than its lifetime', async () => {
    await cache.capabilities('CP1');
    clock = 59_999;
    await cache.capabilities('CP1');
    expect(registry.asked).toBe(1);
    clock = 60_000;
    await cache.capabilities('CP1');
    expect(registry.asked).toBe(2);
  });

  it('keeps nothing once stopped (no drop could reach it)', async () => {
    await cache.stop();
    await cache.capabilities('CP1');
    await cache.capabilities('CP1');
    expect(registry.asked).toBe(2);
  });

  it('lets the command go unchecked when the registry cannot answer, as without the cache', async () => {
    const lonely = await InProcessBus.open();
    const alone = new CapabilityCache(lonely);
    await alone.start();
    expect(await checkCapability(lonely, 'CP1', 'GetDiagnostics', alone)).toEqual({ ok: true });
    expect(alone.size).toBe(0);
    await alone.stop();
    await lonely.close();
  });
});
