/**
 * Poison isolation on NATS JetStream + PostgreSQL (docs/reference/design-decisions.md#poison-messages): the same real poison message as the
 * all-in-one e2e test (test/support/dead-letter-scenario.ts), here with metering as its own process, the
 * dead letters in the OCPP_DEAD_LETTERS stream and the API served by the gateway. Metering is restarted:
 * the dead letter stays, the poison does not come back, storage moves.
 */
import { jest } from '@jest/globals';
import { describeInfra } from '#csms/testing';
import { SCENARIO_MAX_DELIVERIES, afterRestart, anotherPoison, poisonScenario } from '../support/dead-letter-scenario.js';
import { startProductionStack, type ProductionStack } from '../support/production-stack.js';

jest.setTimeout(600_000);

describeInfra('dead letters on NATS + PostgreSQL', () => {
  let stack: ProductionStack;
  beforeAll(async () => {
    stack = await startProductionStack([{}], { BUS_MAX_DELIVERIES: String(SCENARIO_MAX_DELIVERIES) });
  }, 300_000);
  afterAll(async () => {
    await stack?.stop();
  });
  const target = () => ({ ocppUrl: stack.gateways[0].ocppUrl, apiUrl: stack.gateways[0].apiUrl, meteringUrl: stack.services.metering.apiUrl });

  test('a poison StatusNotification is dead-lettered on the stream, its batch is stored, the gateway lists, replays and deletes it; a metering restart keeps it', async () => {
    await poisonScenario(target(), 'NDL');
    await anotherPoison(target(), 'NDL', 0);
    await stack.restart('metering');
    await afterRestart(target(), 'NDL', 1);
  });
});
