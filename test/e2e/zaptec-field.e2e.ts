/**
 * Zaptec chargers as they behave in the field (docs/reference/design-decisions.md#zaptec-chargers), against the
 * all-in-one process (in-process
 * bus, PGlite). The same tests run on NATS + PostgreSQL in test/infra/zaptec-field.infra.ts.
 */
import { jest } from '@jest/globals';
import { startService, type ServiceProcess } from '../support/processes.js';
import { zaptecFieldTests } from '../support/zaptec-field-tests.js';

jest.setTimeout(120_000);

// Short enough for the silent-charger test, long enough that a busy CI machine (three test lanes on two cores)
// is unlikely to stall a healthy charger's pong past two intervals. At 400 ms, one CI run never saw a command reach
// zap123456, most likely because its socket had been closed for a late pong.
const PING_MS = 2_000;
let csms: ServiceProcess;

beforeAll(async () => {
  csms = await startService({ env: { PING_INTERVAL_MS: String(PING_MS) } });
});
afterAll(async () => {
  await csms?.stop();
});

zaptecFieldTests(() => csms, PING_MS);
