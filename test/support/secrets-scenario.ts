/**
 * A scenario that handles every kind of secret the system knows, then searches every log line written for
 * each of them as it was used: the text, its base64, and the base64 of `id:password` Basic credentials.
 * API tokens (the admin token, one created through the API, in the Authorization header and in
 * `?access_token=`, a wrong one), OIDC access tokens (accepted and expired), a charger's Basic Auth
 * password (right and wrong, at the upgrade) and the AuthorizationKey set by the key-rotation flow, with
 * which the charger then logs in. Run on the all-in-one process and on the separate services.
 */
import { randomBytes } from 'node:crypto';
import { WebSocket } from 'ws';
import type { LocalOidcIssuer } from '#csms/testing';
import { SimulatedCharger } from '../../apps/simulator/src/index.js';
import { apiClient } from './api-client.js';
import { eventually } from './processes.js';

export interface SecretsTarget {
  ocppUrl: string;
  apiUrl: string;
  adminToken: string;
  /** An issuer the API trusts with audience `oidcAudience`. */
  idp?: LocalOidcIssuer;
  oidcAudience?: string;
  /** Secrets of the deployment itself (NATS password, exporter headers), searched for too. */
  deploymentSecrets: Array<[string, string]>;
  /** Stops every process (so their last lines are flushed) and returns all they wrote. */
  stopAndCollectLogs(): Promise<string>;
}

function upgrade(ocppUrl: string, identity: string, password: string): Promise<number | 'open'> {
  const auth = 'Basic ' + Buffer.from(`${identity}:${password}`).toString('base64');
  return new Promise((resolve) => {
    const ws = new WebSocket(`${ocppUrl}/${identity}`, ['ocpp1.6'], { headers: { Authorization: auth } });
    ws.once('open', () => (ws.close(), resolve('open')));
    ws.once('unexpected-response', (_q, res) => (ws.terminate(), resolve(res.statusCode ?? 0)));
    ws.once('error', () => resolve(0));
  });
}

/** Every form a secret may leak in: as used, its base64, and the Basic credentials it was part of. */
export function secretForms(name: string, value: string, identity?: string): Array<[string, string]> {
  const out: Array<[string, string]> = [
    [name, value],
    [`${name} (base64)`, Buffer.from(value).toString('base64')],
  ];
  if (identity) out.push([`${name} (Basic ${identity}:...)`, Buffer.from(`${identity}:${value}`).toString('base64')]);
  return out;
}

export async function runSecretsScenario(t: SecretsTarget): Promise<void> {
  const admin = apiClient(t.apiUrl, { token: t.adminToken });
  const secrets: Array<[string, string]> = [...secretForms('API_ADMIN_TOKEN', t.adminToken), ...t.deploymentSecrets.flatMap(([n, v]) => secretForms(n, v))];

  // API tokens: one created, used in the header and in the query (as the event stream does); a wrong one refused
  const made = await admin.post('/api/v1/api-tokens', { name: 'ops-laptop', role: 'operator' });
  expect(made.status).toBe(201);
  const created = made.body.token as string;
  secrets.push(...secretForms('created API token', created));
  expect((await apiClient(t.apiUrl, { token: created }).get('/api/v1/chargers')).status).toBe(200);
  expect((await fetch(`${t.apiUrl}/api/v1/chargers?access_token=${encodeURIComponent(created)}`)).status).toBe(200);
  const wrong = `csms_${randomBytes(24).toString('base64url')}`;
  secrets.push(...secretForms('wrong API token', wrong));
  expect((await apiClient(t.apiUrl, { token: wrong }).get('/api/v1/chargers')).status).toBe(401);

  // OIDC: an accepted access token and an expired one
  if (t.idp) {
    const oidc = await t.idp.token({ aud: t.oidcAudience, sub: 'sso-user-1', csms_role: 'viewer' });
    const expired = await t.idp.token({ aud: t.oidcAudience, csms_role: 'admin' }, { expiresInS: -300 });
    secrets.push(...secretForms('OIDC access token', oidc), ['OIDC token signature', oidc.split('.')[2]], ...secretForms('expired OIDC token', expired));
    expect((await apiClient(t.apiUrl, { token: oidc }).get('/api/v1/whoami')).body).toMatchObject({ role: 'viewer', kind: 'oidc' });
    expect((await apiClient(t.apiUrl, { token: expired }).get('/api/v1/whoami')).status).toBe(401);
  }

  // A charger with a Basic Auth password: registered, a wrong login refused, the right one booted
  const id = `ZAPSECRET${randomBytes(2).toString('hex').toUpperCase()}`;
  const password = `pw-${randomBytes(12).toString('hex')}`;
  const wrongPassword = `pw-${randomBytes(12).toString('hex')}`;
  secrets.push(...secretForms('charger password', password, id), ...secretForms('wrong charger password', wrongPassword, id));
  expect((await admin.post('/api/v1/chargers', { id, securityProfile: 1, password, useAuthorizationKeyWithoutDecoding: true })).status).toBe(201);
  expect(await upgrade(t.ocppUrl, id, wrongPassword)).toBe(401);
  const charger = new SimulatedCharger({
    url: t.ocppUrl,
    identity: id,
    model: 'go',
    initialPassword: password,
    keys: { UseAuthorizationKeyWithoutDecoding: 'true' },
    reconnectDelayMs: 100,
  });
  try {
    const booted = new Promise<void>((r) => charger.once('booted', () => r()));
    charger.start();
    await booted;

    // AuthorizationKey rotation: the key goes to the charger, which logs in with it
    const rebooted = new Promise<void>((r) => charger.once('booted', () => r()));
    const started = await admin.post(`/api/v1/chargers/${id}/authorization-key`, {});
    expect(started.status).toBe(202);
    const key = started.body.generatedKey as string;
    secrets.push(...secretForms('AuthorizationKey', key, id));
    await eventually(async () => {
      const r = await admin.get(`/api/v1/chargers/${id}/authorization-key`);
      return r.status === 200 && r.body.state === 'accepted' ? true : undefined;
    }, 'the rotation accepted');
    await rebooted;
    expect(await upgrade(t.ocppUrl, id, key)).toBe('open');
  } finally {
    await charger.stop();
  }

  const log = await t.stopAndCollectLogs();
  // the scenario was logged, at debug, as JSON (so an empty or silent log cannot pass)
  const lines = log.split('\n').filter((l) => l.startsWith('{'));
  expect(lines.some((l) => l.includes('"level":"debug"'))).toBe(true);
  expect(lines.some((l) => l.includes(id) && l.includes('"event":"boot"'))).toBe(true);
  expect(secrets.filter(([, value]) => log.includes(value)).map(([name]) => name)).toEqual([]);
}
