/**
 * docs/api-auth.md: authentication and roles on every /api/v1 route of the built all-in-one process, over HTTP.
 * The route table is the one the process itself publishes (/api/docs/openapi.json); the expected role of
 * each route is written here independently (docs/api-auth.md's table), so a route that loses its
 * @AdminOnly() or a controller that escapes the guard fails this file.
 */
import { jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { startLocalOidcIssuer, type LocalOidcIssuer } from '#csms/testing';
import { apiClient } from '../support/api-client.js';
import { startService, tempDir, type ServiceProcess } from '../support/processes.js';

jest.setTimeout(300_000);

type Role = 'viewer' | 'operator' | 'admin';
const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

/** Routes only an admin may call (docs/api-auth.md): tokens, audit, registration, AuthorizationKey rotation, model override. */
const ADMIN_ROUTES = new Set([
  'POST /api/v1/api-tokens',
  'GET /api/v1/api-tokens',
  'DELETE /api/v1/api-tokens/{id}',
  'GET /api/v1/audit',
  'POST /api/v1/chargers',
  'PATCH /api/v1/chargers/{id}/registration',
  'POST /api/v1/chargers/{id}/authorization-key',
  'DELETE /api/v1/chargers/{id}/authorization-key',
  'PUT /api/v1/chargers/{id}/model',
]);

function expectedRole(method: string, path: string): Role {
  if (ADMIN_ROUTES.has(`${method} ${path}`)) return 'admin';
  return method === 'GET' || method === 'HEAD' ? 'viewer' : 'operator';
}

/** A concrete path for a route template: values that pass validation where they can, so the guard is what answers. */
function concrete(path: string): string {
  return path
    .replace(/^\/api\/v1\/transactions\/\{id\}/, '/api/v1/transactions/1')
    .replace(/^\/api\/v1\/api-tokens\/\{id\}/, `/api/v1/api-tokens/${randomUUID()}`)
    .replace('{action}', 'GetConfiguration')
    .replace('{idTag}', 'WALKTAG')
    .replace('{name}', 'walk-group')
    .replace('{id}', 'ZAPWALK01');
}

/** Status only: the body is cancelled (a stream such as the event stream never ends). */
async function status(
  url: string,
  method: string,
  token?: string,
  extra: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; body?: unknown }> {
  const res = await fetch(url, {
    method,
    headers: {
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...(method === 'GET' || method === 'HEAD' ? {} : { 'Content-Type': 'application/json' }),
      ...extra,
    },
    body: method === 'GET' || method === 'HEAD' ? undefined : '{}',
    signal: AbortSignal.timeout(60_000),
  });
  let body: unknown;
  if ((res.headers.get('content-type') ?? '').startsWith('application/json')) body = await res.json().catch(() => undefined);
  else await res.body?.cancel();
  return { status: res.status, headers: res.headers, body };
}

describe('API_AUTH=token: every /api/v1 route, each role, OIDC, audit, CORS', () => {
  let csms: ServiceProcess;
  let idp: LocalOidcIssuer;
  let dataDir: string;
  let admin: string;
  const tokens = {} as Record<Role, string>;
  let routes: Array<{ method: string; path: string }>;
  const CORS_OK = 'https://ops.example.test';

  beforeAll(async () => {
    idp = await startLocalOidcIssuer();
    dataDir = tempDir();
    csms = await startService({
      env: { DATA_DIR: dataDir, API_AUTH: 'token', LOG_LEVEL: 'info', OIDC_ISSUER: idp.issuer, OIDC_AUDIENCE: 'csms-e2e', API_CORS_ORIGINS: CORS_OK },
    });
    admin = readFileSync(join(dataDir, 'admin-token'), 'utf8').trim();
    const api = apiClient(csms.apiUrl, { token: admin });
    for (const role of ['viewer', 'operator', 'admin'] as const) {
      const made = await api.post('/api/v1/api-tokens', { name: `walk-${role}`, role });
      expect([made.status, made.body.role]).toEqual([201, role]);
      tokens[role] = made.body.token;
    }
    const doc = (await (await fetch(`${csms.apiUrl}/api/docs/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    routes = Object.entries(doc.paths)
      .filter(([path]) => path.startsWith('/api/v1/'))
      .flatMap(([path, ops]) =>
        Object.keys(ops)
          .filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
          .map((m) => ({ method: m.toUpperCase(), path })),
      );
  });

  afterAll(async () => {
    await csms?.stop();
    await idp?.close();
  });

  test('the generated admin token: written to DATA_DIR/admin-token (0600), printed once, and it is admin', async () => {
    expect(statSync(join(dataDir, 'admin-token')).mode & 0o777).toBe(0o600);
    expect(csms.output().split(admin).length - 1).toBe(1);
    expect((await apiClient(csms.apiUrl, { token: admin }).get('/api/v1/whoami')).body).toEqual({ name: 'bootstrap-admin', role: 'admin', kind: 'token' });
  });

  test('the route table is the whole API, admin routes included', () => {
    expect(routes.length).toBeGreaterThan(30);
    const table = new Set(routes.map((r) => `${r.method} ${r.path}`));
    for (const r of ADMIN_ROUTES) expect([r, table.has(r)]).toEqual([r, true]);
    expect(table.has('GET /api/v1/whoami')).toBe(true);
  });

  test('without a token every /api/v1 route answers 401 with WWW-Authenticate: Bearer, in the error shape', async () => {
    const wrong: string[] = [];
    for (const r of routes) {
      const res = await status(csms.apiUrl + concrete(r.path), r.method);
      const body = res.body as { error?: unknown; message?: unknown } | undefined;
      if (
        res.status !== 401 ||
        !/^Bearer/.test(res.headers.get('www-authenticate') ?? '') ||
        body?.error !== 'unauthorized' ||
        typeof body.message !== 'string'
      ) {
        wrong.push(`${r.method} ${r.path}: ${res.status} ${JSON.stringify(body)}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  test("the chargers' upload route is outside /api/v1 on purpose: no API token, the one-time token in its URL decides (docs/diagnostics.md#upload-endpoint)", async () => {
    // Not in the operator API's document, so not in the walk above.
    expect(routes.some((r) => r.path.startsWith('/ocpp-uploads'))).toBe(false);
    const unknown = `${csms.apiUrl}/ocpp-uploads/${Buffer.alloc(32, 7).toString('base64url')}/diag.log`;
    for (const method of ['PUT', 'POST']) {
      const res = await status(unknown, method, undefined, { 'Content-Type': 'application/octet-stream' });
      expect([res.status, (res.body as { error?: string } | undefined)?.error]).toEqual([404, 'unknown_upload_token']);
    }
    // An API token gives nothing there either: the URL's token is the only credential.
    expect((await status(unknown, 'PUT', tokens.admin, { 'Content-Type': 'application/octet-stream' })).status).toBe(404);
  });

  test('a bad token, and a malformed Authorization header, are 401 too', async () => {
    expect((await status(`${csms.apiUrl}/api/v1/chargers`, 'GET', 'csms_not-a-real-token')).status).toBe(401);
    expect((await status(`${csms.apiUrl}/api/v1/chargers`, 'GET', undefined, { Authorization: `Basic ${Buffer.from('a:b').toString('base64')}` })).status).toBe(
      401,
    );
  });

  test.each(['viewer', 'operator', 'admin'] as const)('%s: allowed routes are never 401/403, denied routes are exactly 403', async (role) => {
    const wrong: string[] = [];
    for (const r of routes) {
      const allowed = RANK[role] >= RANK[expectedRole(r.method, r.path)];
      const res = await status(csms.apiUrl + concrete(r.path), r.method, tokens[role]);
      const ok = allowed ? res.status !== 401 && res.status !== 403 : res.status === 403 && (res.body as { error?: string })?.error === 'forbidden';
      if (!ok) wrong.push(`${r.method} ${r.path} (${allowed ? 'allowed' : 'denied'}): ${res.status} ${JSON.stringify(res.body)}`);
    }
    expect(wrong).toEqual([]);
  });

  test('whoami names the caller for each kind of token', async () => {
    expect((await apiClient(csms.apiUrl, { token: tokens.viewer }).get('/api/v1/whoami')).body).toEqual({ name: 'walk-viewer', role: 'viewer', kind: 'token' });
  });

  test('the event stream token: ?access_token= on a GET, never on another method', async () => {
    expect((await status(`${csms.apiUrl}/api/v1/whoami?access_token=${tokens.viewer}`, 'GET')).status).toBe(200);
    // The route's own query rules (unknown parameters refused) never see the token.
    expect((await status(`${csms.apiUrl}/api/v1/chargers?limit=5&access_token=${tokens.viewer}`, 'GET')).status).toBe(200);
    expect((await status(`${csms.apiUrl}/api/v1/chargers?limit=5&access_token=${tokens.viewer}&bogus=1`, 'GET')).status).toBe(400);
    expect((await status(`${csms.apiUrl}/api/v1/id-tags?access_token=${tokens.admin}`, 'POST')).status).toBe(401);
  });

  test('OIDC: a token of the configured issuer and audience works with its role claim; expired or other audience is 401', async () => {
    const good = await idp.token({ aud: 'csms-e2e', sub: 'sso-user-9', csms_role: ['viewer', 'operator'] });
    expect((await apiClient(csms.apiUrl, { token: good }).get('/api/v1/whoami')).body).toEqual({ name: 'sso-user-9', role: 'operator', kind: 'oidc' });
    expect((await status(`${csms.apiUrl}/api/v1/chargers/ZAPWALK01/model`, 'PUT', good)).status).toBe(403);
    expect((await status(`${csms.apiUrl}/api/v1/chargers`, 'GET', await idp.token({ aud: 'csms-e2e', csms_role: 'admin' }, { expiresInS: -300 }))).status).toBe(
      401,
    );
    expect((await status(`${csms.apiUrl}/api/v1/chargers`, 'GET', await idp.token({ aud: 'another-api', csms_role: 'admin' }))).status).toBe(401);
    await idp.rotate();
    const afterRotation = await idp.token({ aud: 'csms-e2e', sub: 'sso-user-9', csms_role: 'viewer' });
    // jose refetches the JWKS for an unknown key id at most once per 30 s cooldown: wait for it rather than assume a time.
    let whoami = 0;
    for (let i = 0; i < 90 && whoami !== 200; i++) {
      whoami = (await status(`${csms.apiUrl}/api/v1/whoami`, 'GET', afterRotation)).status;
      if (whoami !== 200) await new Promise((r) => setTimeout(r, 1_000));
    }
    expect(whoami).toBe(200);
  });

  test('the audit log names who did what to which charger, with the outcome; only admins read it', async () => {
    const op = apiClient(csms.apiUrl, { token: tokens.operator });
    expect((await op.post('/api/v1/id-tags', { idTag: 'AUDITTAG', status: 'Accepted' })).status).toBe(201);
    expect((await apiClient(csms.apiUrl, { token: tokens.viewer }).post('/api/v1/chargers/ZAPAUDIT1/commands/Reset', { type: 'Soft' })).status).toBe(403);
    expect((await op.post('/api/v1/chargers/ZAPAUDIT1/commands/Reset', { type: 'Soft' })).status).toBe(404);
    const adminApi = apiClient(csms.apiUrl, { token: admin });
    let entries: Array<Record<string, unknown>> = [];
    for (let i = 0; i < 50 && entries.length < 2; i++) {
      entries = (await adminApi.get('/api/v1/audit?chargerId=ZAPAUDIT1')).body.items;
      if (entries.length < 2) await new Promise((r) => setTimeout(r, 100));
    }
    expect(entries.map((e) => [e.actor, e.method, e.route, e.chargerId, e.status])).toEqual([
      ['walk-operator', 'POST', '/api/v1/chargers/:id/commands/:action', 'ZAPAUDIT1', 404],
      ['walk-viewer', 'POST', '/api/v1/chargers/:id/commands/:action', 'ZAPAUDIT1', 403],
    ]);
    const byActor = (await adminApi.get('/api/v1/audit?actor=walk-operator&limit=500')).body.items as Array<Record<string, unknown>>;
    expect(byActor.some((e) => e.path === '/api/v1/id-tags' && e.method === 'POST' && e.status === 201 && e.chargerId === undefined)).toBe(true);
    expect(byActor.every((e) => e.actor === 'walk-operator' && typeof e.at === 'string')).toBe(true);
    expect((await apiClient(csms.apiUrl, { token: tokens.operator }).get('/api/v1/audit')).status).toBe(403);
    expect((await adminApi.get('/api/v1/audit?limit=0')).status).toBe(400);
  });

  test('tokens: listed without secrets, revoked at once', async () => {
    const adminApi = apiClient(csms.apiUrl, { token: admin });
    const made = await adminApi.post('/api/v1/api-tokens', { name: 'short-lived', role: 'operator' });
    expect((await adminApi.post('/api/v1/api-tokens', { name: 'short-lived', role: 'viewer' })).status).toBe(409);
    expect((await adminApi.post('/api/v1/api-tokens', { name: 'x', role: 'root' })).body).toMatchObject({
      error: 'validation_failed',
      errors: [{ field: 'role' }],
    });
    const list = await adminApi.get('/api/v1/api-tokens');
    expect(list.text).not.toContain(made.body.token);
    expect(list.body.items.find((t: { name: string }) => t.name === 'short-lived')).toMatchObject({
      id: made.body.id,
      role: 'operator',
      createdBy: 'bootstrap-admin',
    });
    expect((await status(`${csms.apiUrl}/api/v1/whoami`, 'GET', made.body.token)).status).toBe(200);
    expect((await adminApi.delete(`/api/v1/api-tokens/${made.body.id}`)).status).toBe(200);
    expect((await status(`${csms.apiUrl}/api/v1/whoami`, 'GET', made.body.token)).status).toBe(401);
    expect((await adminApi.delete(`/api/v1/api-tokens/${made.body.id}`)).status).toBe(404);
  });

  test("Nest's own errors have the API's shape: unknown route, bad numeric parameter", async () => {
    expect(await status(`${csms.apiUrl}/api/v1/no-such-route`, 'GET', tokens.viewer)).toMatchObject({
      status: 404,
      body: { error: 'not_found', message: expect.any(String) },
    });
    expect(await status(`${csms.apiUrl}/api/v1/transactions/abc`, 'GET', tokens.viewer)).toMatchObject({
      status: 400,
      body: { error: 'validation_failed', errors: expect.arrayContaining([expect.objectContaining({ field: 'id', rule: 'isInt' })]) },
    });
  });

  test('CORS: an allowed origin gets its preflight (Authorization allowed) and its answers; another origin none', async () => {
    const preflight = (origin: string): Promise<Response> =>
      fetch(`${csms.apiUrl}/api/v1/chargers`, {
        method: 'OPTIONS',
        headers: { Origin: origin, 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'authorization' },
      });
    const ok = await preflight(CORS_OK);
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe(CORS_OK);
    expect(ok.headers.get('access-control-allow-headers')).toMatch(/Authorization/i);
    const denied = await preflight('https://evil.example');
    expect(denied.status).toBe(403);
    expect(denied.headers.get('access-control-allow-origin')).toBeNull();
    const get = await status(`${csms.apiUrl}/api/v1/chargers`, 'GET', tokens.viewer, { Origin: CORS_OK });
    expect([get.status, get.headers.get('access-control-allow-origin')]).toEqual([200, CORS_OK]);
    const other = await status(`${csms.apiUrl}/api/v1/chargers`, 'GET', tokens.viewer, { Origin: 'https://evil.example' });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  test('refusals are counted for alerting (csms_api_auth_refusals_total)', async () => {
    await status(`${csms.apiUrl}/api/v1/chargers`, 'GET');
    await status(`${csms.apiUrl}/api/v1/id-tags`, 'POST', tokens.viewer);
    const metrics = await (await fetch(`${csms.apiUrl}/metrics`)).text();
    expect(metrics).toMatch(/csms_api_auth_refusals_total\{status="401",kind="none"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/csms_api_auth_refusals_total\{status="403",kind="token"[^}]*\} [1-9]/);
  });

  test('health, metrics, the OpenAPI document and the dashboard stay open', async () => {
    for (const path of ['/health/live', '/health/ready', '/metrics', '/api/docs/openapi.json', '/']) {
      expect([path, (await status(csms.apiUrl + path, 'GET')).status]).toEqual([path, 200]);
    }
  });

  test('a restart does not print a new admin token; the generated one still works; API_ADMIN_TOKEN works beside it', async () => {
    await csms.stop();
    const envToken = `csms_env_${'k'.repeat(40)}`;
    csms = await startService({ env: { DATA_DIR: dataDir, API_AUTH: 'token', LOG_LEVEL: 'info', API_ADMIN_TOKEN: envToken } });
    expect(csms.output()).not.toContain('generated the first admin API token');
    expect((await apiClient(csms.apiUrl, { token: admin }).get('/api/v1/whoami')).body).toMatchObject({ role: 'admin', kind: 'token' });
    expect((await apiClient(csms.apiUrl, { token: envToken }).get('/api/v1/whoami')).body).toEqual({ name: 'API_ADMIN_TOKEN', role: 'admin', kind: 'token' });
  });
});

describe('API_AUTH=loopback-trusted (the default)', () => {
  let csms: ServiceProcess;
  const outside = Object.values(networkInterfaces())
    .flat()
    .find((a) => a && !a.internal && a.family === 'IPv4')?.address;

  beforeAll(async () => {
    csms = await startService({ env: { LOG_LEVEL: 'info' } });
  });
  afterAll(() => csms?.stop());

  test('says so once at start-up', () => {
    expect(csms.output().match(/API_AUTH=loopback-trusted/g)).toHaveLength(1);
  });

  test("from loopback without a token: admin; with a token: that token's role", async () => {
    expect((await apiClient(csms.apiUrl).get('/api/v1/whoami')).body).toEqual({ name: 'loopback', role: 'admin', kind: 'loopback' });
    const viewer = (await apiClient(csms.apiUrl).post('/api/v1/api-tokens', { name: 'laptop-viewer', role: 'viewer' })).body.token as string;
    expect((await apiClient(csms.apiUrl, { token: viewer }).get('/api/v1/whoami')).body).toMatchObject({ role: 'viewer' });
    expect((await apiClient(csms.apiUrl, { token: viewer }).post('/api/v1/id-tags', { idTag: 'NOPE', status: 'Accepted' })).status).toBe(403);
  });

  (outside ? test : test.skip)(
    `from a non-loopback address (${outside ?? 'none on this machine'}) without a token: 401, X-Forwarded-For: 127.0.0.1 changes nothing`,
    async () => {
      const url = `http://${outside}:${csms.apiPort}/api/v1/whoami`;
      expect((await status(url, 'GET')).status).toBe(401);
      expect((await status(url, 'GET', undefined, { 'X-Forwarded-For': '127.0.0.1', 'X-Real-IP': '127.0.0.1', Forwarded: 'for=127.0.0.1' })).status).toBe(401);
      expect((await status(`http://${outside}:${csms.apiPort}/health/ready`, 'GET')).status).toBe(200);
    },
  );
});

describe('production (NODE_ENV=production)', () => {
  test('refuses to start without API_AUTH=token, naming the variable', async () => {
    const proc = await startService({ env: { NODE_ENV: 'production' }, waitFor: 'none' });
    expect(await proc.exited).toBe(1);
    expect(proc.output()).toMatch(/API_AUTH.*token/);
  });
});
