import { Logger } from '@nestjs/common';
import { ask, subjects, type Bus } from '#csms/bus';
import type { CapabilitySource, RegistryCapabilities, ServiceReply } from '#csms/http';
import * as configManager from '#csms/config-manager/verbs';

const REGISTRY_TIMEOUT_MS = 3_000;
export const CAPABILITY_CACHE_MAX = 50_000;
/**
 * A backstop only: every change of what the registry answers is announced (connection, Boot fact,
 * `subjects.registryChanged`), but those are core NATS messages a reconnecting gateway can miss.
 */
export const CAPABILITY_CACHE_TTL_MS = 60_000;

interface Entry {
  reply: ServiceReply<RegistryCapabilities>;
  storedAt: number;
}

/**
 * The registry's capability answer per charger, kept in the gateway so a command does not ask config-manager
 * (one bus round trip and one SELECT) each time (docs/benchmarks.md#commands-one-hop). Only a found charger's
 * answer is kept; anything else asks again next time.
 *
 * Dropped on every event that can change it: the charger connecting or disconnecting, its Boot fact (the model is
 * detected at boot), and `subjects.registryChanged` (config-manager: a model override, a new SupportedFeatureProfiles).
 * A lookup that was in flight when its charger's entry was dropped is answered but not kept, so an answer read
 * before a change can never be stored after the notice of it. Bounded: past `max` entries the oldest goes.
 */
export class CapabilityCache implements CapabilitySource {
  private readonly log = new Logger('CapabilityCache');
  private readonly entries = new Map<string, Entry>();
  /** Lookups in flight per charger; a drop bumps the generation, and a lookup keeps its answer only if its generation still holds. */
  private readonly inFlight = new Map<string, { count: number; generation: number }>();
  private readonly closers: Array<() => Promise<void>> = [];
  private listening = false;

  constructor(
    private readonly bus: Bus,
    private readonly max = CAPABILITY_CACHE_MAX,
    private readonly ttlMs = CAPABILITY_CACHE_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Connection events and Boot facts are read from the events stream (both buses deliver them there, in order);
   * the registry's own notices are core messages. Should the stream reader end, the cache stops keeping answers.
   */
  async start(): Promise<void> {
    const notices = await this.bus.subscribe<{ chargerId?: unknown }>(subjects.allRegistryChanges, (data) => this.dropFor(data));
    this.closers.push(() => notices.unsubscribe());
    const reader = await this.bus.readStream<{ chargerId?: unknown }>({ filterSubjects: [subjects.allConnections, subjects.factsOf('Boot')] });
    this.closers.push(() => reader.close());
    this.listening = true;
    void (async () => {
      try {
        for await (const message of reader) this.dropFor(message.data);
      } catch (err) {
        this.log.warn(`connection and boot events no longer read (${(err as Error).message}): capabilities asked each time`);
      } finally {
        this.listening = false;
        this.entries.clear();
      }
    })();
  }

  async stop(): Promise<void> {
    this.listening = false;
    this.entries.clear();
    for (const close of this.closers.splice(0)) await close().catch(() => undefined);
  }

  private dropFor(data: { chargerId?: unknown }): void {
    if (typeof data?.chargerId === 'string') this.invalidate(data.chargerId);
  }

  get size(): number {
    return this.entries.size;
  }

  invalidate(chargerId: string): void {
    this.entries.delete(chargerId);
    const lookup = this.inFlight.get(chargerId);
    if (lookup) lookup.generation++;
  }

  /** The registry's answer, from the cache when it holds one; errors of the lookup propagate as `ask`'s do. */
  async capabilities(chargerId: string): Promise<ServiceReply<RegistryCapabilities>> {
    const hit = this.entries.get(chargerId);
    if (hit && this.now() - hit.storedAt < this.ttlMs) return hit.reply;
    if (hit) this.entries.delete(chargerId);
    const lookup = this.inFlight.get(chargerId) ?? { count: 0, generation: 0 };
    this.inFlight.set(chargerId, lookup);
    lookup.count++;
    const generation = lookup.generation;
    try {
      const reply = await ask(this.bus, configManager.getCharger, { chargerId }, { timeoutMs: REGISTRY_TIMEOUT_MS });
      if (!reply.ok || !reply.data.capabilities) return reply;
      const kept: ServiceReply<RegistryCapabilities> = { ok: true, data: { model: reply.data.model, capabilities: reply.data.capabilities } };
      // Without the subscriptions no drop would ever arrive: then nothing is kept.
      if (this.listening && lookup.generation === generation) this.store(chargerId, kept);
      return kept;
    } finally {
      if (--lookup.count === 0) this.inFlight.delete(chargerId);
    }
  }

  private store(chargerId: string, reply: ServiceReply<RegistryCapabilities>): void {
    this.entries.delete(chargerId);
    this.entries.set(chargerId, { reply, storedAt: this.now() });
    if (this.entries.size > this.max) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }
}
