/**
 * docs/reference/design-decisions.md#api-parameter-ranges: every API route answers an out-of-range or malformed query
 * or path value with a 400 naming the
 * parameter and the rule (libs/http api-params.ts), never a 500: `offset=1e20`, `from=0000-01-01` and
 * `/transactions/99999999999` were 500s because the value passed its DTO and broke in PostgreSQL. Walks the
 * values below against the real routes of the all-in-one process, over HTTP.
 */
import { jest } from '@jest/globals';
import { apiClient, type ApiResponse } from '../support/api-client.js';
import { startService, type ServiceProcess } from '../support/processes.js';

jest.setTimeout(300_000);

const BAD_NUMBERS = ['1e20', '1e3', '99999999999', '2147483648', '-1', 'NaN', 'Infinity', '-Infinity', '1.5', '0x10', '', '%205', '12abc', '9'.repeat(400)];
const BAD_LIMITS = [...BAD_NUMBERS, '0', '1001'];
const BAD_TIMES = [
  '0000-01-01',
  '1969-12-31T23:59:59Z',
  '10000-01-01',
  '+010000-01-01T00:00:00Z',
  '-000001-01-01T00:00:00Z',
  '2025-02-30',
  '2025-13-01',
  'yesterday',
  '2025-W01-1',
  '',
  '1e20',
];
const BAD_IDS = ['99999999999', '2147483648', '0', '-1', '1e3', 'NaN', 'Infinity', '1.5', '0x10', '%20'];
const BAD_CHARGER_IDS = ['%00', 'A%0AB', 'A%3AB', 'X'.repeat(49), '%7F'];
const BAD_TAGS = ['%00', 'T'.repeat(21), 'A%09B'];
const BAD_GROUPS = ['%00', 'G'.repeat(101)];

interface Route {
  method: 'get' | 'put' | 'patch' | 'post' | 'delete';
  /** `{v}` is where the value goes. */
  path: string;
  field: string;
  values: string[];
  body?: unknown;
}

const query = (path: string, field: string, values: string[]): Route => ({
  method: 'get',
  path: `${path}${path.includes('?') ? '&' : '?'}${field}={v}`,
  field,
  values,
});

const ROUTES: Route[] = [
  ...['limit', 'offset'].flatMap((f) => [
    query('/api/v1/transactions', f, f === 'limit' ? BAD_LIMITS : BAD_NUMBERS),
    query('/api/v1/transactions?orphan=true', f, f === 'limit' ? BAD_LIMITS : BAD_NUMBERS),
    query('/api/v1/chargers/CP1/meter-values', f, f === 'limit' ? BAD_LIMITS : BAD_NUMBERS),
    query('/api/v1/chargers', f, f === 'limit' ? BAD_LIMITS : BAD_NUMBERS),
    query('/api/v1/id-tags', f, f === 'limit' ? BAD_LIMITS : BAD_NUMBERS),
    query('/api/v1/chargers/CP1/security-events', f, f === 'limit' ? BAD_LIMITS : BAD_NUMBERS),
    query('/api/v1/chargers/CP1/commands', f, f === 'limit' ? [...BAD_LIMITS, '201'] : BAD_NUMBERS),
  ]),
  query('/api/v1/chargers/CP1/commands', 'status', ['done', '%00', '']),
  {
    method: 'post',
    path: '/api/v1/chargers/CP1/commands/ClearCache?delivery=queued&expiresAt={v}',
    field: 'expiresAt',
    values: [...BAD_TIMES, '2020-01-01T00:00:00Z', '9999-12-31T23:59:59Z'],
  },
  { method: 'post', path: '/api/v1/chargers/CP1/commands/ClearCache?delivery={v}', field: 'delivery', values: ['later', '', '%00'] },
  ...[
    { method: 'get', path: '/api/v1/commands/{v}' },
    { method: 'delete', path: '/api/v1/commands/{v}' },
  ].map((r) => ({ ...r, field: 'id', values: ['not-a-uuid', '%00', '1', '99999999999'] }) as Route),
  query('/api/v1/chargers/CP1/configuration/history', 'limit', BAD_LIMITS),
  ...['from', 'to'].flatMap((f) => [
    query('/api/v1/transactions', f, BAD_TIMES),
    query('/api/v1/transactions?orphan=true', f, BAD_TIMES),
    query('/api/v1/chargers/CP1/meter-values', f, BAD_TIMES),
  ]),
  query('/api/v1/transactions', 'chargerId', BAD_CHARGER_IDS),
  query('/api/v1/transactions', 'idTag', BAD_TAGS),
  query('/api/v1/chargers/CP1/meter-values', 'measurand', ['%00', 'M'.repeat(101)]),
  query('/api/v1/id-tags', 'group', BAD_GROUPS),
  { method: 'get', path: '/api/v1/transactions/{v}', field: 'id', values: BAD_IDS },
  { method: 'get', path: '/api/v1/transactions/{v}/meter-values.csv', field: 'id', values: BAD_IDS },
  ...[
    { method: 'get', path: '/api/v1/chargers/{v}' },
    { method: 'put', path: '/api/v1/chargers/{v}/model', body: { model: null } },
    { method: 'put', path: '/api/v1/chargers/{v}/boot-policy', body: { applyConfigurationBeforeAccept: false } },
    { method: 'get', path: '/api/v1/chargers/{v}/meter-values' },
    { method: 'get', path: '/api/v1/chargers/{v}/power' },
    { method: 'get', path: '/api/v1/chargers/{v}/configuration' },
    { method: 'put', path: '/api/v1/chargers/{v}/configuration', body: { keys: { HeartbeatInterval: '300' } } },
    { method: 'get', path: '/api/v1/chargers/{v}/configuration/history' },
    { method: 'post', path: '/api/v1/chargers/{v}/configuration/retry', body: {} },
    { method: 'patch', path: '/api/v1/chargers/{v}/registration', body: { state: 'accepted' } },
    { method: 'post', path: '/api/v1/chargers/{v}/authorization-key', body: {} },
    { method: 'get', path: '/api/v1/chargers/{v}/authorization-key' },
    { method: 'delete', path: '/api/v1/chargers/{v}/authorization-key' },
    { method: 'get', path: '/api/v1/chargers/{v}/security-events' },
    { method: 'get', path: '/api/v1/chargers/{v}/commands' },
    { method: 'get', path: '/api/v1/chargers/{v}/local-auth-list' },
    { method: 'put', path: '/api/v1/chargers/{v}/local-auth-list', body: { group: null } },
  ].map((r) => ({ ...r, field: 'id', values: BAD_CHARGER_IDS }) as Route),
  ...[
    { method: 'get', path: '/api/v1/id-tags/{v}' },
    { method: 'put', path: '/api/v1/id-tags/{v}', body: { status: 'Accepted' } },
    { method: 'delete', path: '/api/v1/id-tags/{v}' },
  ].map((r) => ({ ...r, field: 'idTag', values: BAD_TAGS }) as Route),
  ...[
    { method: 'get', path: '/api/v1/groups/{v}/configuration' },
    { method: 'put', path: '/api/v1/groups/{v}/configuration', body: { keys: { HeartbeatInterval: '300' } } },
    { method: 'put', path: '/api/v1/groups/{v}/members', body: { chargerIds: [] } },
  ].map((r) => ({ ...r, field: 'name', values: BAD_GROUPS }) as Route),
  ...[
    { method: 'get', path: '/api/v1/models/{v}/configuration' },
    { method: 'put', path: '/api/v1/models/{v}/configuration', body: { keys: { HeartbeatInterval: '300' } } },
  ].map((r) => ({ ...r, field: 'model', values: ['%00', 'M'.repeat(51)] }) as Route),
];

let csms: ServiceProcess;
beforeAll(async () => {
  csms = await startService();
});
afterAll(async () => {
  await csms?.stop();
});

async function call(route: Route, value: string): Promise<ApiResponse> {
  const api = apiClient(csms.apiUrl);
  const path = route.path.replace('{v}', value);
  return route.method === 'get' || route.method === 'delete' ? api[route.method](path) : api[route.method](path, route.body ?? {});
}

test('every out-of-range or malformed query and path value is a 400 naming the parameter and the rule', async () => {
  const wrong: string[] = [];
  let checked = 0;
  for (const route of ROUTES) {
    for (const value of route.values) {
      const res = await call(route, value);
      checked += 1;
      const errors = (res.body as { errors?: Array<{ field: string; rule: string; message: string }> } | undefined)?.errors ?? [];
      const named = errors.find((e) => e.field === route.field && e.rule && e.message.includes(route.field));
      if (res.status !== 400 || (res.body as { error?: string }).error !== 'validation_failed' || !named) {
        wrong.push(
          `${route.method.toUpperCase()} ${route.path.replace('{v}', value.length > 30 ? `${value.slice(0, 10)}...(${value.length})` : value)}: ${res.status} ${res.text.slice(0, 200)}`,
        );
      }
    }
  }
  expect(wrong).toEqual([]);
  expect(checked).toBeGreaterThan(300);
});

test('the edges themselves are accepted: int32 ids, the largest offset, 1970 and 9999', async () => {
  const api = apiClient(csms.apiUrl);
  const ok = [
    '/api/v1/transactions?offset=2147483647&limit=1000',
    '/api/v1/transactions?from=1970-01-01T00:00:00Z&to=9999-12-31T23:59:59.999Z',
    '/api/v1/transactions?from=2025-03-01&orphan=true',
    '/api/v1/chargers/CP1/meter-values?from=1970-01-01&to=9999-12-31&offset=0&limit=1',
    '/api/v1/chargers?offset=2147483647',
    '/api/v1/id-tags?offset=2147483647&limit=1000',
    `/api/v1/chargers/${'X'.repeat(48)}/security-events?offset=2147483647`,
    '/api/v1/chargers/CP1/configuration/history?limit=1000',
    '/api/v1/chargers/CP1/commands?offset=2147483647&limit=200',
  ];
  for (const path of ok) expect([path, (await api.get(path)).status]).toEqual([path, 200]);
  // Well-formed ids that name nothing: 404, not 400 and not 500.
  for (const path of [
    '/api/v1/transactions/2147483647',
    '/api/v1/transactions/1/meter-values.csv',
    '/api/v1/id-tags/NOSUCHTAG',
    `/api/v1/chargers/${'X'.repeat(48)}`,
    '/api/v1/commands/00000000-0000-4000-8000-000000000000',
    '/api/v1/chargers/CP1/commands',
  ]) {
    expect([path, (await api.get(path)).status]).toEqual([path, 404]);
  }
});
