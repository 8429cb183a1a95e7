/**
 * docs/api-auth.md in the production shape: two gateways (no database of their own) and auth as a separate
 * process holding the API tokens and the audit log in PostgreSQL, over NATS. A token made through one
 * gateway works on the other; a revocation reaches the other within its cache time; the audit log holds
 * what both gateways did; every route needs a token (API_AUTH=token); API_ADMIN_TOKEN works while auth is down.
 */
import { jest } from '@jest/globals';
import { describeInfra } from '#csms/testing';
import { apiClient } from '../support/api-client.js';
import { eventually } from '../support/processes.js';
import { twoGatewayStack } from '../support/production-stack.js';

jest.setTimeout(240_000);

describeInfra('API access across gateways, with auth holding tokens and audit in PostgreSQL', () => {
  const two = twoGatewayStack();

  test('without a token: 401 on both gateways, also from loopback (API_AUTH=token)', async () => {
    for (const gw of [two.gwA, two.gwB]) expect((await apiClient(gw.apiUrl, { token: null }).get('/api/v1/chargers')).status).toBe(401);
  });

  test('a token made on gateway A works on gateway B; revoked on A, B refuses it within its cache time', async () => {
    const made = await apiClient(two.gwA.apiUrl).post('/api/v1/api-tokens', { name: 'cross-gateway', role: 'operator' });
    expect(made.status).toBe(201);
    const onB = apiClient(two.gwB.apiUrl, { token: made.body.token });
    await eventually(async () => ((await onB.get('/api/v1/whoami')).status === 200 ? true : undefined), 'the token on gateway B', 10_000);
    expect((await onB.get('/api/v1/whoami')).body).toEqual({ name: 'cross-gateway', role: 'operator', kind: 'token' });
    expect((await onB.post('/api/v1/id-tags', { idTag: 'XGW1', status: 'Accepted' })).status).toBe(201);

    expect((await apiClient(two.gwA.apiUrl).delete(`/api/v1/api-tokens/${made.body.id}`)).status).toBe(200);
    expect((await apiClient(two.gwA.apiUrl, { token: made.body.token }).get('/api/v1/whoami')).status).toBe(401);
    await eventually(async () => ((await onB.get('/api/v1/whoami')).status === 401 ? true : undefined), 'the revocation on gateway B', 30_000);
  });

  test('the audit log, read through either gateway, holds what was done through the other', async () => {
    const entries = await eventually(
      async () => {
        const items = (await apiClient(two.gwA.apiUrl).get('/api/v1/audit?actor=cross-gateway')).body.items as Array<Record<string, unknown>>;
        return items.length ? items : undefined;
      },
      'the audit entry',
      10_000,
    );
    expect(entries.map((e) => [e.method, e.path, e.status])).toEqual([['POST', '/api/v1/id-tags', 201]]);
    const made = (await apiClient(two.gwB.apiUrl).get('/api/v1/audit?actor=API_ADMIN_TOKEN&limit=100')).body.items as Array<Record<string, unknown>>;
    expect(made.some((e) => e.route === '/api/v1/api-tokens' && e.status === 201)).toBe(true);
  });

  test('API_ADMIN_TOKEN is checked in the gateway: it still works while auth is down; API tokens then get 503, not 401', async () => {
    const viewer = (await apiClient(two.gwA.apiUrl).post('/api/v1/api-tokens', { name: 'while-down', role: 'viewer' })).body.token as string;
    await two.stack.services.auth.stop();
    try {
      expect((await apiClient(two.gwB.apiUrl).get('/api/v1/whoami')).body).toEqual({ name: 'API_ADMIN_TOKEN', role: 'admin', kind: 'token' });
      const res = await apiClient(two.gwB.apiUrl, { token: viewer }).get('/api/v1/whoami');
      expect([res.status, res.body.error]).toEqual([503, 'service_unavailable']);
    } finally {
      await two.stack.restart('auth');
    }
    await eventually(
      async () => ((await apiClient(two.gwB.apiUrl, { token: viewer }).get('/api/v1/whoami')).status === 200 ? true : undefined),
      'the token again once auth is back',
      30_000,
    );
  });
});
