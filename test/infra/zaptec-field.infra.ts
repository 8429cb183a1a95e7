/**
 * The Zaptec field rules of test/e2e/zaptec-field.e2e.ts (docs/reference/design-decisions.md#zaptec-chargers), on real
 * NATS JetStream + PostgreSQL:
 * the separate services and a gateway, as in production.
 */
import { jest } from '@jest/globals';
import { describeInfra } from '#csms/testing';
import { startProductionStack, type ProductionStack } from '../support/production-stack.js';
import { ZAPTEC_FIELD_PING_MS, zaptecFieldTests } from '../support/zaptec-field-tests.js';

jest.setTimeout(180_000);

describeInfra('Zaptec field rules on NATS JetStream + PostgreSQL', () => {
  let stack: ProductionStack;

  beforeAll(async () => {
    stack = await startProductionStack([{ PING_INTERVAL_MS: String(ZAPTEC_FIELD_PING_MS) }]);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  zaptecFieldTests(() => stack.gateways[0]);
});
