/**
 * No secret ever reaches a log line (docs/deploy.md#37-logs-and-traces): the all-in-one process logs at
 * debug, as JSON, through the scenario of test/support/secrets-scenario.ts (API, OIDC and charger
 * secrets, key rotation). The separate services on NATS with a password: test/infra/secrets-in-logs.infra.ts.
 */
import { randomBytes } from 'node:crypto';
import { jest } from '@jest/globals';
import { startLocalOidcIssuer, type LocalOidcIssuer } from '#csms/testing';
import { startService, type ServiceProcess } from '../support/processes.js';
import { runSecretsScenario } from '../support/secrets-scenario.js';

jest.setTimeout(300_000);

let csms: ServiceProcess;
let idp: LocalOidcIssuer;
const ADMIN_TOKEN = `csms_admin_${randomBytes(24).toString('base64url')}`;

beforeAll(async () => {
  idp = await startLocalOidcIssuer();
  csms = await startService({
    env: {
      API_AUTH: 'token',
      API_ADMIN_TOKEN: ADMIN_TOKEN,
      OIDC_ISSUER: idp.issuer,
      OIDC_AUDIENCE: 'csms-secrets',
      UNKNOWN_CHARGERS: 'reject',
      LOG_LEVEL: 'debug',
      LOG_FORMAT: 'json',
    },
  });
});
afterAll(async () => {
  await csms?.stop();
  await idp?.close();
});

test('a debug-level JSON log of tokens, OIDC, charger passwords and key rotation holds none of the secrets', async () => {
  await runSecretsScenario({
    ocppUrl: csms.ocppUrl,
    apiUrl: csms.apiUrl,
    adminToken: ADMIN_TOKEN,
    idp,
    oidcAudience: 'csms-secrets',
    deploymentSecrets: [],
    stopAndCollectLogs: async () => (await csms.stop(), csms.output()),
  });
});
