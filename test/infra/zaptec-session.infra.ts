/**
 * The Zaptec session scenarios of test/e2e/zaptec-session.e2e.ts, unchanged, against the separate services on
 * NATS JetStream + PostgreSQL (the same tests pass in the all-in-one process and on NATS + PostgreSQL):
 * boot provisioning of a factory Go, a free-charging session with an eager sample, a late reading after the stop.
 */
import { jest } from '@jest/globals';
import { describeInfra } from '#csms/testing';
import type { ServiceProcess } from '../support/processes.js';
import { startProductionStack, type ProductionStack } from '../support/production-stack.js';
import { bootProvisioning, freeChargingSession, lateSampleAfterStop, stopChargers } from '../support/zaptec-scenarios.js';

jest.setTimeout(180_000);

describeInfra('Zaptec sessions on the separate services (NATS JetStream + PostgreSQL)', () => {
  let stack: ProductionStack;
  let gateway: ServiceProcess;

  beforeAll(async () => {
    stack = await startProductionStack();
    gateway = stack.gateways[0];
  });

  afterAll(async () => {
    await stopChargers();
    await stack?.stop();
  });

  test('(a) a Go booting with 86400 / 0 gets its model interval and sampling right after boot', async () => {
    await bootProvisioning(gateway, 'ZAPINF0001');
  });

  test('(b) a full session: free charging without Authorize, an eager sample, unplug; free, with the right energy', async () => {
    await freeChargingSession(gateway, 'ZAPINF0002', 'INF-FREE-0002');
  });

  test('(d) a late Sample.Periodic after StopTransaction lands on the closed transaction, energy unchanged', async () => {
    await lateSampleAfterStop(gateway, 'ZAPINF0003', 'INF-TAG-0003');
  });
});
