/**
 * The Zaptec session scenarios of test/e2e/zaptec-session.e2e.ts, unchanged, against the separate services on
 * NATS JetStream + PostgreSQL (issue 10: "the same tests pass in the all-in-one process and on NATS + PostgreSQL"):
 * boot provisioning of a factory Go, a free-charging session with an eager sample, a late reading after the stop.
 */
import { jest } from '@jest/globals';
import { createTestDatabase, describeInfra, startNatsServer, type NatsServerHandle } from '#csms/testing';
import { startService, type ServiceProcess } from '../support/processes.js';
import { bootProvisioning, freeChargingSession, lateSampleAfterStop, stopChargers } from '../support/zaptec-scenarios.js';

jest.setTimeout(180_000);

describeInfra('Zaptec sessions on the separate services (NATS JetStream + PostgreSQL)', () => {
  let nats: NatsServerHandle;
  let db: { url: string; drop(): Promise<void> };
  const procs: ServiceProcess[] = [];
  let gateway: ServiceProcess;

  beforeAll(async () => {
    nats = await startNatsServer({ jetstream: true });
    db = await createTestDatabase();
    const env = { NATS_URL: nats.url, DATABASE_URL: db.url, UNKNOWN_CHARGERS: 'accept' };
    // One at a time: each service runs its migrations under the advisory lock.
    for (const app of ['auth', 'config-manager', 'metering'] as const) procs.push(await startService({ app, env }));
    gateway = await startService({ app: 'gateway', env: { ...env, GATEWAY_ID: 'gw-zaptec' } });
    procs.push(gateway);
  });

  afterAll(async () => {
    await stopChargers();
    for (const p of procs.reverse()) await p.stop().catch(() => undefined);
    await nats?.stop();
    await db?.drop();
  });

  test('(a) a Go booting with 86400 / 0 gets the fleet interval and sampling right after boot', async () => {
    await bootProvisioning(gateway, 'ZAPINF0001');
  });

  test('(b) a full session: free charging without Authorize, an eager sample, unplug; free, with the right energy', async () => {
    await freeChargingSession(gateway, 'ZAPINF0002', 'INF-FREE-0002');
  });

  test('(d) a late Sample.Periodic after StopTransaction lands on the closed transaction, energy unchanged', async () => {
    await lateSampleAfterStop(gateway, 'ZAPINF0003', 'INF-TAG-0003');
  });
});
