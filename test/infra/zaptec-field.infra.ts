/**
 * The Zaptec field rules of test/e2e/zaptec-field.e2e.ts (issue 10), on real NATS JetStream + PostgreSQL:
 * the separate services and a gateway, as in production.
 */
import { jest } from '@jest/globals';
import { createTestDatabase, describeInfra, startNatsServer, type NatsServerHandle } from '#csms/testing';
import { startService, type ServiceProcess } from '../support/processes.js';
import { zaptecFieldTests } from '../support/zaptec-field-tests.js';

jest.setTimeout(180_000);

const PING_MS = 400;

describeInfra('Zaptec field rules on NATS JetStream + PostgreSQL', () => {
  let nats: NatsServerHandle;
  let db: { url: string; drop(): Promise<void> };
  const procs: ServiceProcess[] = [];
  let gateway: ServiceProcess;

  beforeAll(async () => {
    nats = await startNatsServer({ jetstream: true });
    db = await createTestDatabase();
    const env = { NATS_URL: nats.url, DATABASE_URL: db.url, UNKNOWN_CHARGERS: 'accept' };
    for (const app of ['auth', 'config-manager', 'metering'] as const) procs.push(await startService({ app, env }));
    gateway = await startService({ app: 'gateway', env: { ...env, GATEWAY_ID: 'gw-field', PING_INTERVAL_MS: String(PING_MS) } });
    procs.push(gateway);
  });

  afterAll(async () => {
    for (const p of procs.reverse()) await p.stop().catch(() => undefined);
    await nats?.stop();
    await db?.drop();
  });

  zaptecFieldTests(() => gateway, PING_MS);
});
