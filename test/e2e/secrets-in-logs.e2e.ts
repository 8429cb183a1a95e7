/**
 * No secret ever reaches a log line: the all-in-one process logs at debug, as JSON, while a real scenario
 * handles every kind of secret it knows: the admin token (API_ADMIN_TOKEN), an API token created through
 * the API (in the Authorization header and in `?access_token=`), a wrong token, an OIDC access token,
 * a charger's Basic Auth password (right and wrong, at the upgrade) and the AuthorizationKey set by the
 * key-rotation flow, with which the charger then logs in. Afterwards the whole output is searched for each
 * secret as it was used: the text, its base64, and the base64 of the `id:password` Basic credentials.
 */
import { randomBytes } from 'node:crypto';
import { jest } from '@jest/globals';
import { WebSocket } from 'ws';
import { startLocalOidcIssuer, type LocalOidcIssuer } from '#csms/testing';
import { SimulatedCharger } from '../../apps/simulator/src/index.js';
import { apiClient } from '../support/api-client.js';
import { eventually, startService, type ServiceProcess } from '../support/processes.js';

jest.setTimeout(300_000);

let csms: ServiceProcess;
let idp: LocalOidcIssuer;
let charger: SimulatedCharger | undefined;
const ADMIN_TOKEN = `csms_admin_${randomBytes(24).toString('base64url')}`;

beforeAll(async () => {
  idp = await startLocalOidcIssuer();
  csms = await startService({
    env: { API_AUTH: 'token', API_ADMIN_TOKEN: ADMIN_TOKEN, OIDC_ISSUER: idp.issuer, OIDC_AUDIENCE: 'csms-secrets', UNKNOWN_CHARGERS: 'reject', LOG_LEVEL: 'debug', LOG_FORMAT: 'json' },
  });
});
afterAll(async () => {
  await charger?.stop().catch(() => undefined);
  await csms?.stop();
  await idp?.close();
});

function upgrade(identity: string, password: string): Promise<number | 'open'> {
  const auth = 'Basic ' + Buffer.from(`${identity}:${password}`).toString('base64');
  return new Promise((resolve) => {
    const ws = new WebSocket(`${csms.ocppUrl}/${identity}`, ['ocpp1.6'], { headers: { Authorization: auth } });
    ws.once('open', () => (ws.close(), resolve('open')));
    ws.once('unexpected-response', (_q, res) => (ws.terminate(), resolve(res.statusCode ?? 0)));
    ws.once('error', () => resolve(0));
  });
}

/** Every form a secret may leak in: as used, its base64, and the Basic credentials it was part of. */
function forms(name: string, value: string, identity?: string): Array<[string, string]> {
  const out: Array<[string, string]> = [[name, value], [`${name} (base64)`, Buffer.from(value).toString('base64')]];
  if (identity) out.push([`${name} (Basic ${identity}:...)`, Buffer.from(`${identity}:${value}`).toString('base64')]);
  return out;
}

test('a debug-level JSON log of tokens, OIDC, charger passwords and key rotation holds none of the secrets', async () => {
  const admin = apiClient(csms.apiUrl, { token: ADMIN_TOKEN });
  const secrets: Array<[string, string]> = [...forms('API_ADMIN_TOKEN', ADMIN_TOKEN)];

  // API tokens: one created, used in the header and in the query (as the event stream does); a wrong one refused
  const made = await admin.post('/api/v1/api-tokens', { name: 'ops-laptop', role: 'operator' });
  expect(made.status).toBe(201);
  const created = made.body.token as string;
  secrets.push(...forms('created API token', created));
  expect((await apiClient(csms.apiUrl, { token: created }).get('/api/v1/chargers')).status).toBe(200);
  expect((await fetch(`${csms.apiUrl}/api/v1/chargers?access_token=${encodeURIComponent(created)}`)).status).toBe(200);
  const wrong = `csms_${randomBytes(24).toString('base64url')}`;
  secrets.push(...forms('wrong API token', wrong));
  expect((await apiClient(csms.apiUrl, { token: wrong }).get('/api/v1/chargers')).status).toBe(401);

  // OIDC: an accepted access token and an expired one
  const oidc = await idp.token({ aud: 'csms-secrets', sub: 'sso-user-1', csms_role: 'viewer' });
  const expired = await idp.token({ aud: 'csms-secrets', csms_role: 'admin' }, { expiresInS: -300 });
  secrets.push(...forms('OIDC access token', oidc), ['OIDC token signature', oidc.split('.')[2]], ...forms('expired OIDC token', expired));
  expect((await apiClient(csms.apiUrl, { token: oidc }).get('/api/v1/whoami')).body).toMatchObject({ role: 'viewer', kind: 'oidc' });
  expect((await apiClient(csms.apiUrl, { token: expired }).get('/api/v1/whoami')).status).toBe(401);

  // A charger with a Basic Auth password: registered, a wrong login refused, the right one booted
  const id = 'ZAPSECRET01';
  const password = `pw-${randomBytes(12).toString('hex')}`;
  const wrongPassword = `pw-${randomBytes(12).toString('hex')}`;
  secrets.push(...forms('charger password', password, id), ...forms('wrong charger password', wrongPassword, id));
  expect((await admin.post('/api/v1/chargers', { id, securityProfile: 1, password, useAuthorizationKeyWithoutDecoding: true })).status).toBe(201);
  expect(await upgrade(id, wrongPassword)).toBe(401);
  charger = new SimulatedCharger({ url: csms.ocppUrl, identity: id, model: 'go', initialPassword: password, keys: { UseAuthorizationKeyWithoutDecoding: 'true' }, reconnectDelayMs: 100 });
  const booted = new Promise<void>((r) => charger?.once('booted', () => r()));
  charger.start();
  await booted;

  // AuthorizationKey rotation: the key goes to the charger, which logs in with it
  const rebooted = new Promise<void>((r) => charger?.once('booted', () => r()));
  const started = await admin.post(`/api/v1/chargers/${id}/authorization-key`, {});
  expect(started.status).toBe(202);
  const key = started.body.generatedKey as string;
  secrets.push(...forms('AuthorizationKey', key, id));
  await eventually(async () => {
    const r = await admin.get(`/api/v1/chargers/${id}/authorization-key`);
    return r.status === 200 && r.body.state === 'accepted' ? true : undefined;
  }, 'the rotation accepted');
  await rebooted;
  expect(await upgrade(id, key)).toBe('open');

  await charger.stop();
  charger = undefined;
  await csms.stop();
  const log = csms.output();
  // the scenario was logged, at debug, as JSON (so an empty or silent log cannot pass)
  const lines = log.split('\n').filter((l) => l.startsWith('{'));
  expect(lines.some((l) => l.includes('"level":"debug"'))).toBe(true);
  expect(lines.some((l) => l.includes(id) && l.includes('"event":"boot"'))).toBe(true);
  expect(secrets.filter(([, value]) => log.includes(value)).map(([name]) => name)).toEqual([]);
});
