/**
 * Focused measurement (docs/reference/design-decisions.md#one-reconciliation-per-connection): how fast the
 * configuration reconciliation consumer
 * (`config-manager-reconcile`) drains the connection events of a reconnect storm. Not part of `npm run bench`.
 *
 *   node dist/bench/reconcile-backlog.js [chargers=200] [storms=7] [windowS=2]
 *
 * The all-in-one on NATS JetStream + PostgreSQL; `chargers` bench chargers connect and boot once (their first
 * provisioning), then reconnect `storms` times, each time all of them within `windowS` seconds (each reconnect is a
 * disconnection and a connection event, and a BootNotification). The consumer's backlog (pending + unacked) is
 * read every second until it is empty: the figures are the events produced, the peak backlog and the drain rate.
 */
import { createTestDatabase, startNatsServer } from '#csms/testing';
import { consumerBacklog } from '../test/support/readings.js';
import { cleanupAll, onCleanup, sleep, startLoadClient } from './lib/procs.js';
import { startAllInOne } from './lib/system.js';

const [chargers, storms, windowS] = [200, 7, 2].map((d, i) => Number(process.argv[2 + i] ?? d));

async function main(): Promise<void> {
  const nats = await startNatsServer({ jetstream: true });
  onCleanup('nats-server', () => nats.dispose());
  const db = await createTestDatabase();
  onCleanup(`database ${db.name}`, () => db.drop());
  const sys = await startAllInOne({ env: { NATS_URL: nats.url, DATABASE_URL: db.url } });
  const lc = await startLoadClient();
  const backlog = async (): Promise<number> => {
    const b = await consumerBacklog(nats.url, 'OCPP_EVENTS', 'config-manager-reconcile');
    return b.pending + b.ackPending;
  };
  const connect = (spreadMs: number) =>
    lc.call<{ connected: number; elapsedMs: number }>('connect', {
      group: 'g',
      url: sys.wsUrl,
      prefix: 'RB-',
      from: 0,
      count: chargers,
      boot: true,
      spreadMs,
      concurrency: 100,
      localAddrs: 1,
    });

  await connect(0);
  // The first provisioning of every charger, then an empty backlog to start from.
  for (let i = 0; i < 120 && (await backlog()) > 0; i++) await sleep(1_000);
  const t0 = Date.now();
  for (let s = 0; s < storms; s++) {
    await lc.call('close', { group: 'g' });
    await connect(windowS * 1000);
  }
  const produced = storms * chargers * 2;
  const stormS = (Date.now() - t0) / 1000;
  const timeline: Array<[number, number]> = [];
  let peak = 0;
  for (;;) {
    const n = await backlog();
    peak = Math.max(peak, n);
    timeline.push([Math.round((Date.now() - t0) / 1000), n]);
    if (n === 0 || Date.now() - t0 > 15 * 60_000) break;
    await sleep(1_000);
  }
  const totalS = (Date.now() - t0) / 1000;
  console.log(
    JSON.stringify({
      chargers,
      storms,
      windowS,
      eventsProduced: produced,
      stormSeconds: Math.round(stormS),
      backlogAtStormEnd: timeline[0]?.[1],
      peakBacklog: peak,
      drainedAfterSeconds: Math.round(totalS),
      eventsPerMinute: Math.round((produced / totalS) * 60),
      timeline: timeline.filter((_, i) => i % 5 === 0 || i === timeline.length - 1),
    }),
  );
  await lc.stop();
  await sys.stop();
}

main()
  .catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(() => void cleanupAll().then(() => process.exit()));
