/**
 * The Zaptec field rules of test/e2e/zaptec-field.e2e.ts (docs/reference/design-decisions.md#zaptec-chargers), on real
 * NATS JetStream + PostgreSQL:
 * the separate services and a gateway, as in production.
 */
import { jest } from '@jest/globals';
import { describeInfra } from '#csms/testing';
import { startProductionStack, type ProductionStack } from '../support/production-stack.js';
import { zaptecFieldTests } from '../support/zaptec-field-tests.js';

jest.setTimeout(180_000);

// Short enough for the silent-charger test, long enough that a busy CI machine (three test lanes on two cores)
// is unlikely to stall a healthy charger's pong past two intervals. At 400 ms, one CI run never saw a command reach
// zap123456, most likely because its socket had been closed for a late pong.
const PING_MS = 2_000;

describeInfra('Zaptec field rules on NATS JetStream + PostgreSQL', () => {
  let stack: ProductionStack;

  beforeAll(async () => {
    stack = await startProductionStack([{ PING_INTERVAL_MS: String(PING_MS) }]);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  zaptecFieldTests(() => stack.gateways[0], PING_MS);
});
