/**
 * Site limits (docs/site-limits.md) on the production shape: NATS JetStream + PostgreSQL, auth, config-manager and
 * metering as their own processes, six simulated Zaptec Go chargers behind a 32 A fuse spread over two gateways
 * (test/support/site-limit-scenario.ts: the stored Current.Import readings never sum above the fuse).
 */
import { jest } from '@jest/globals';
import { describeInfra } from '#csms/testing';
import { startProductionStack, type ProductionStack } from '../support/production-stack.js';
import { runSiteLimitScenario } from '../support/site-limit-scenario.js';

jest.setTimeout(600_000);

describeInfra('site limits on NATS + PostgreSQL', () => {
  let stack: ProductionStack;

  beforeAll(async () => {
    stack = await startProductionStack();
  }, 180_000);
  afterAll(async () => {
    await stack?.stop();
  });

  test('six Go chargers behind a 32 A fuse: the stored Current.Import readings never sum above 32 A per phase', async () => {
    await runSiteLimitScenario({ ocppUrl: stack.gateways[0].ocppUrl, apiUrl: stack.gateways[0].apiUrl, token: stack.env.API_ADMIN_TOKEN });
  });
});
