/**
 * Zaptec chargers as they behave in the field (docs/reference/design-decisions.md#zaptec-chargers), against the
 * all-in-one process (in-process
 * bus, PGlite). The same tests run on NATS + PostgreSQL in test/infra/zaptec-field.infra.ts.
 */
import { jest } from '@jest/globals';
import { startService, type ServiceProcess } from '../support/processes.js';
import { ZAPTEC_FIELD_PING_MS, zaptecFieldTests } from '../support/zaptec-field-tests.js';

jest.setTimeout(120_000);

let csms: ServiceProcess;

beforeAll(async () => {
  csms = await startService({ env: { PING_INTERVAL_MS: String(ZAPTEC_FIELD_PING_MS) } });
});
afterAll(async () => {
  await csms?.stop();
});

zaptecFieldTests(() => csms);
