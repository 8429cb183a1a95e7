/**
 * Poison isolation on the all-in-one process (docs/reference/design-decisions.md#poison-messages): a message metering can never store is
 * dead-lettered, the rest of its batch and everything after it is stored, and the embedded journal keeps
 * both the dead letter and the moved ack floor across a restart. The scenario is shared with the
 * NATS + PostgreSQL infra test (test/support/dead-letter-scenario.ts).
 */
import { jest } from '@jest/globals';
import { SCENARIO_MAX_DELIVERIES, afterRestart, anotherPoison, poisonScenario } from '../support/dead-letter-scenario.js';
import { startService, tempDir, type ServiceProcess } from '../support/processes.js';

jest.setTimeout(300_000);

const dataDir = tempDir();
let csms: ServiceProcess;
const start = async () => (csms = await startService({ env: { DATA_DIR: dataDir, BUS_MAX_DELIVERIES: String(SCENARIO_MAX_DELIVERIES) } }));
const target = () => ({ ocppUrl: csms.ocppUrl, apiUrl: csms.apiUrl, meteringUrl: csms.apiUrl });

beforeAll(start, 120_000);
afterAll(async () => {
  await csms?.stop();
});

test('a poison StatusNotification is dead-lettered, its batch and later messages are stored, the API lists, replays and deletes it, and a restart keeps all of it', async () => {
  await poisonScenario(target(), 'DL');
  await anotherPoison(target(), 'DL', 0);
  await csms.stop();
  await start();
  await afterRestart(target(), 'DL', 1);
});
