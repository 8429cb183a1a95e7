/**
 * Site limits (docs/site-limits.md) on the all-in-one from dist/: six simulated Zaptec Go chargers behind a 32 A
 * fuse, checked on the stored meter readings (the scenario is test/support/site-limit-scenario.ts).
 */
import { jest } from '@jest/globals';
import { startService, type ServiceProcess } from '../support/processes.js';
import { runSiteLimitScenario } from '../support/site-limit-scenario.js';

jest.setTimeout(600_000);

const TOKEN = `csms_site_${'s'.repeat(40)}`;
let csms: ServiceProcess;

beforeAll(async () => {
  csms = await startService({ env: { API_AUTH: 'token', API_ADMIN_TOKEN: TOKEN } });
});
afterAll(async () => {
  await csms?.stop();
});

test('six Go chargers behind a 32 A fuse: the stored Current.Import readings never sum above 32 A per phase', async () => {
  await runSiteLimitScenario({ ocppUrl: csms.ocppUrl, apiUrl: csms.apiUrl, token: TOKEN });
});
