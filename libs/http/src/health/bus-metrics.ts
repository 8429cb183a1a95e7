import { Counter, Gauge } from 'prom-client';
import type { Bus, ConsumerStats } from '#csms/bus';
import { metricOnce as once } from './metric-once.js';

/**
 * The bus's consumers on /metrics (docs/reference/design-decisions.md#poison-messages): pending (lag), redeliveries and dead letters per
 * durable consumer of this process, and the dead letters stored for them. Read from the bus at scrape
 * time, so the figures are the bus's own and need no bookkeeping here.
 */
let source: Bus | undefined;
let scrape: Promise<ConsumerStats[]> | undefined;

/** One read of the bus per scrape, shared by the metrics below. */
function stats(): Promise<ConsumerStats[]> {
  if (!source) return Promise.resolve([]);
  scrape ??= source.consumerStats().finally(() => setImmediate(() => (scrape = undefined)));
  return scrape.catch(() => []);
}

export function registerBusMetrics(bus: Bus): void {
  source = bus;
  once(
    'ocpp_bus_consumer_pending',
    () =>
      new Gauge({
        name: 'ocpp_bus_consumer_pending',
        help: 'Messages waiting for a durable consumer, delivered-but-unacked included (consumer lag)',
        labelNames: ['consumer'],
        async collect() {
          this.reset();
          for (const s of await stats()) this.set({ consumer: s.consumer }, s.pending);
        },
      }),
  );
  once(
    'ocpp_bus_consumer_stalled',
    () =>
      new Gauge({
        name: 'ocpp_bus_consumer_stalled',
        help: '1 while a consumer has messages waiting and processed nothing for 2 minutes',
        labelNames: ['consumer'],
        async collect() {
          this.reset();
          for (const s of await stats()) this.set({ consumer: s.consumer }, s.stalled ? 1 : 0);
        },
      }),
  );
  once(
    'ocpp_bus_redelivered_total',
    () =>
      new Counter({
        name: 'ocpp_bus_redelivered_total',
        help: 'Messages handed to a consumer again after a failed or expired delivery',
        labelNames: ['consumer'],
        async collect() {
          this.reset();
          for (const s of await stats()) this.inc({ consumer: s.consumer }, s.redelivered);
        },
      }),
  );
  once(
    'ocpp_bus_dead_lettered_total',
    () =>
      new Counter({
        name: 'ocpp_bus_dead_lettered_total',
        help: 'Messages a consumer gave up on after BUS_MAX_DELIVERIES and moved to the dead letters',
        labelNames: ['consumer'],
        async collect() {
          this.reset();
          for (const s of await stats()) this.inc({ consumer: s.consumer }, s.deadLettered);
        },
      }),
  );
  once(
    'ocpp_bus_dead_letters',
    () =>
      new Gauge({
        name: 'ocpp_bus_dead_letters',
        help: 'Dead letters stored for a consumer, waiting for an operator (GET /api/v1/dead-letters)',
        labelNames: ['consumer'],
        async collect() {
          this.reset();
          const bus = source;
          if (!bus) return;
          for (const s of await stats()) {
            const stored = await bus.deadLetters.list({ consumer: s.consumer, limit: 0, offset: 0 }).catch(() => undefined);
            if (stored) this.set({ consumer: s.consumer }, stored.total);
          }
        },
      }),
  );
}

const readinessMemo = new WeakMap<Bus, { at: number; value: Promise<{ stalled: string[]; deadLetters: number }> }>();

/**
 * Readiness of the consumers: a stalled consumer makes its service not ready; dead letters only degrade it.
 * One probe asks twice (two checks and their reasons): answered from one read of the bus per second.
 */
export function consumerReadiness(bus: Bus): Promise<{ stalled: string[]; deadLetters: number }> {
  const memo = readinessMemo.get(bus);
  if (memo && Date.now() - memo.at < 1_000) return memo.value;
  const value = (async () => {
    const all = await bus.consumerStats();
    const stalled = all.filter((s) => s.stalled).map((s) => `consumer ${s.consumer} stalled: ${s.pending} pending, nothing processed for 2 min`);
    let deadLetters = 0;
    for (const s of all) deadLetters += (await bus.deadLetters.list({ consumer: s.consumer, limit: 0, offset: 0 })).total;
    return { stalled, deadLetters };
  })();
  readinessMemo.set(bus, { at: Date.now(), value });
  value.catch(() => readinessMemo.delete(bus));
  return value;
}
