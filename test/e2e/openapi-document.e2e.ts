/**
 * The OpenAPI document (docs/api-openapi.md) the built all-in-one serves at /api/docs-json describes the whole
 * operator API: every /api/v1 operation with its parameters, body, success answer, bearer security and
 * error answers in the one ApiError shape; and what the API really answers matches the document (error
 * bodies and a set of success bodies validated against the documented schemas).
 */
import { jest } from '@jest/globals';
import AjvModule, { type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { RPCClient } from 'ocpp-rpc';
import { apiClient } from '../support/api-client.js';
import { startService, type ServiceProcess } from '../support/processes.js';
import { rpcCharger } from '../support/rpc-charger.js';

jest.setTimeout(180_000);

const Ajv = AjvModule.default;
const addFormats = addFormatsModule.default;
const CHARGER = 'ZAPOPENAPI1';
const now = (): string => new Date().toISOString();
const ADMIN = `csms_openapi_${'a'.repeat(40)}`;
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'] as const;

type Json = Record<string, unknown>;
interface Operation {
  parameters?: Array<{ name: string; in: string; required?: boolean; schema?: Json }>;
  requestBody?: { content: Record<string, { schema?: Json }> };
  responses: Record<string, { description: string; content?: Record<string, { schema?: Json }> }>;
  security?: Array<Record<string, string[]>>;
}
interface Document {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Json>; securitySchemes: Record<string, Json> };
}

/**
 * The part of the OpenAPI 3.0 specification a generator relies on, as a JSON Schema (no new dependency for
 * the official one): the top-level fields, path items and operations, parameters, bodies, responses.
 */
const MEDIA = { type: 'object', properties: { schema: { type: 'object' } }, additionalProperties: true };
const OPENAPI_30 = {
  type: 'object',
  required: ['openapi', 'info', 'paths'],
  properties: {
    openapi: { type: 'string', pattern: '^3\\.0\\.\\d+$' },
    info: { type: 'object', required: ['title', 'version'], properties: { title: { type: 'string' }, version: { type: 'string' } } },
    paths: {
      type: 'object',
      propertyNames: { pattern: '^/' },
      additionalProperties: {
        type: 'object',
        propertyNames: { enum: [...METHODS, 'summary', 'description', 'servers', 'parameters', '$ref'] },
        additionalProperties: { $ref: '#/definitions/operation' },
      },
    },
    components: {
      type: 'object',
      properties: {
        schemas: { type: 'object', additionalProperties: { type: 'object' } },
        securitySchemes: {
          type: 'object',
          additionalProperties: { type: 'object', required: ['type'], properties: { type: { enum: ['apiKey', 'http', 'oauth2', 'openIdConnect'] } } },
        },
      },
    },
  },
  definitions: {
    operation: {
      type: 'object',
      required: ['responses'],
      properties: {
        operationId: { type: 'string' },
        tags: { type: 'array', items: { type: 'string' } },
        parameters: {
          type: 'array',
          items: {
            type: 'object',
            required: ['name', 'in'],
            properties: {
              name: { type: 'string', minLength: 1 },
              in: { enum: ['query', 'header', 'path', 'cookie'] },
              required: { type: 'boolean' },
              schema: { type: 'object' },
            },
            oneOf: [{ required: ['schema'] }, { required: ['content'] }],
            if: { properties: { in: { const: 'path' } } },
            then: { required: ['required'], properties: { required: { const: true } } },
          },
        },
        requestBody: { type: 'object', required: ['content'], properties: { content: { type: 'object', minProperties: 1, additionalProperties: MEDIA } } },
        responses: {
          type: 'object',
          minProperties: 1,
          propertyNames: { pattern: '^([1-5](\\d\\d|XX)|default)$' },
          additionalProperties: {
            type: 'object',
            required: ['description'],
            properties: { description: { type: 'string' }, content: { type: 'object', additionalProperties: MEDIA } },
          },
        },
        security: { type: 'array', items: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } } },
      },
    },
  },
};

/** OpenAPI 3.0 schema -> JSON Schema for ajv: `nullable: true` becomes a null alternative. */
function toJsonSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(toJsonSchema);
  if (typeof schema !== 'object' || schema === null) return schema;
  const out: Json = {};
  for (const [k, v] of Object.entries(schema)) if (k !== 'nullable' && k !== 'example') out[k] = toJsonSchema(v);
  if ((schema as Json).nullable === true) return { anyOf: [out, { type: 'null' }] };
  return out;
}

/** Every `$ref` in the document, with where it is. */
function refs(node: unknown, at = '#'): Array<{ ref: string; at: string }> {
  if (typeof node !== 'object' || node === null) return [];
  return Object.entries(node).flatMap(([k, v]) => (k === '$ref' && typeof v === 'string' ? [{ ref: v, at }] : refs(v, `${at}/${k}`)));
}

describe('the OpenAPI document (/api/docs-json)', () => {
  let csms: ServiceProcess;
  let doc: Document;
  let operations: Array<{ method: string; path: string; op: Operation }>;
  let viewer: string;
  let charger: RPCClient | undefined;
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  const admin = (): ReturnType<typeof apiClient> => apiClient(csms.apiUrl, { token: ADMIN });

  /** The documented schema of `method path`'s answer `status`, compiled against the document's components. */
  function documented(method: string, path: string, status: number): ValidateFunction {
    const schema = doc.paths[path]?.[method]?.responses[String(status)]?.content?.['application/json']?.schema;
    if (!schema) throw new Error(`${method.toUpperCase()} ${path} documents no JSON answer ${status}`);
    const id = `answer:${method}:${path}:${status}`;
    return ajv.getSchema(id) ?? (ajv.addSchema(toJsonSchema(schema) as Json, id), ajv.getSchema(id)!);
  }

  beforeAll(async () => {
    csms = await startService({ env: { API_AUTH: 'token', API_ADMIN_TOKEN: ADMIN } });
    const res = await fetch(`${csms.apiUrl}/api/docs-json`);
    expect(res.status).toBe(200);
    doc = (await res.json()) as Document;
    // Component schemas addressable as the document addresses them (#/components/schemas/X).
    ajv.addSchema({ $id: 'openapi', components: toJsonSchema({ schemas: doc.components.schemas }) as Json });
    operations = Object.entries(doc.paths)
      .filter(([path]) => path.startsWith('/api/v1/'))
      .flatMap(([path, item]) =>
        Object.entries(item)
          .filter(([m]) => (METHODS as readonly string[]).includes(m))
          .map(([method, op]) => ({ method, path, op })),
      );
    const made = await admin().post('/api/v1/api-tokens', { name: 'openapi-viewer', role: 'viewer' });
    expect(made.status).toBe(201);
    viewer = made.body.token;
  });

  afterAll(async () => {
    await charger?.close({ force: true }).catch(() => undefined);
    await csms?.stop();
  });

  test('is a structurally valid OpenAPI 3.0 document whose $refs all resolve and whose operationIds are unique', () => {
    const validate = new Ajv({ strict: false, allErrors: true }).compile(OPENAPI_30);
    expect(validate(doc) ? [] : validate.errors).toEqual([]);
    const dangling = refs(doc).filter(({ ref }) => {
      const m = /^#\/components\/schemas\/(.+)$/.exec(ref);
      return !m || !(m[1] in doc.components.schemas);
    });
    expect(dangling).toEqual([]);
    const ids = operations.map(({ op }) => (op as { operationId?: string }).operationId);
    expect(new Set(ids).size).toBe(ids.length);
    // Every schema in the document compiles as a JSON Schema (after the 3.0 `nullable` spelling).
    for (const name of Object.keys(doc.components.schemas))
      expect([name, typeof ajv.getSchema(`openapi#/components/schemas/${name}`)]).toEqual([name, 'function']);
  });

  test('covers the whole API', () => {
    expect(operations.length).toBeGreaterThan(45);
    for (const route of [
      'POST /api/v1/chargers/{id}/commands/{action}',
      'GET /api/v1/events',
      'GET /api/v1/fleet/summary',
      'GET /api/v1/transactions/{id}/meter-values.csv',
      'DELETE /api/v1/dead-letters/{id}',
    ]) {
      expect([route, operations.some((o) => `${o.method.toUpperCase()} ${o.path}` === route)]).toEqual([route, true]);
    }
  });

  test('every /api/v1 operation: a 2xx answer with a schema or its content type, a bearer requirement, 401 and 403 as ApiError', () => {
    const scheme = Object.entries(doc.components.securitySchemes).find(([, s]) => s.type === 'http' && s.scheme === 'bearer')?.[0];
    expect(scheme).toBeDefined();
    const wrong: string[] = [];
    for (const { method, path, op } of operations) {
      const name = `${method.toUpperCase()} ${path}`;
      const ok = Object.entries(op.responses).filter(([s]) => /^2\d\d$/.test(s));
      if (ok.length === 0) wrong.push(`${name}: no 2xx answer`);
      for (const [status, r] of ok) {
        if (status === '204') continue;
        const content = Object.entries(r.content ?? {});
        if (content.length === 0) wrong.push(`${name}: ${status} without content`);
        for (const [type, media] of content) if (type === 'application/json' && !media.schema) wrong.push(`${name}: ${status} JSON without a schema`);
      }
      for (const status of ['401', '403']) {
        if (op.responses[status]?.content?.['application/json']?.schema?.$ref !== '#/components/schemas/ApiError')
          wrong.push(`${name}: ${status} is not ApiError`);
      }
      if (!op.security?.some((req) => scheme! in req)) wrong.push(`${name}: no bearer security`);
      for (const [status, r] of Object.entries(op.responses).filter(([s]) => /^[45]/.test(s))) {
        if (r.content?.['application/json']?.schema?.$ref !== '#/components/schemas/ApiError') wrong.push(`${name}: ${status} is not ApiError`);
      }
    }
    expect(wrong).toEqual([]);
  });

  test('every path parameter is declared (required, with a schema); input routes declare 400, single resources 404', () => {
    // Lists under a charger answer an empty list for an unknown one (asserted against the API below): no 404.
    const listsUnderACharger = new Set([
      'GET /api/v1/chargers/{id}/security-events',
      'GET /api/v1/chargers/{id}/meter-values',
      'GET /api/v1/chargers/{id}/power',
      'GET /api/v1/chargers/{id}/diagnostics',
    ]);
    const wrong: string[] = [];
    for (const { method, path, op } of operations) {
      const name = `${method.toUpperCase()} ${path}`;
      const inPath = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      const declared = (op.parameters ?? []).filter((p) => p.in === 'path');
      for (const p of inPath) {
        const d = declared.find((x) => x.name === p);
        if (!d || d.required !== true || !d.schema?.type) wrong.push(`${name}: path parameter ${p} not declared with a type`);
      }
      for (const d of declared) if (!inPath.includes(d.name)) wrong.push(`${name}: declares ${d.name}, not in the path`);
      for (const q of (op.parameters ?? []).filter((p) => p.in === 'query')) if (!q.schema?.type) wrong.push(`${name}: query ${q.name} without a type`);
      const takesInput = (op.parameters ?? []).length > 0 || op.requestBody !== undefined;
      if (takesInput && !op.responses['400']) wrong.push(`${name}: takes input, no 400`);
      if (/\{(id|idTag)\}/.test(path) && !listsUnderACharger.has(name) && !op.responses['404']) wrong.push(`${name}: no 404`);
      if (['post', 'put', 'patch'].includes(method) && !path.includes('/replay') && !op.requestBody?.content['application/json']?.schema)
        wrong.push(`${name}: no JSON body schema`);
    }
    expect(wrong).toEqual([]);
  });

  test('request bodies name their fields and the rules the API checks', () => {
    const body = (method: string, path: string): Json => {
      const schema = doc.paths[path][method].requestBody!.content['application/json'].schema!;
      const ref = schema.$ref as string | undefined;
      return ref ? doc.components.schemas[ref.split('/').pop()!] : schema;
    };
    expect(body('post', '/api/v1/api-tokens')).toMatchObject({ required: ['name', 'role'], properties: { role: { enum: ['viewer', 'operator', 'admin'] } } });
    expect(body('post', '/api/v1/chargers')).toMatchObject({
      required: ['id', 'securityProfile'],
      properties: { id: { maxLength: 48 }, password: { minLength: 8, maxLength: 64 } },
    });
    expect(body('post', '/api/v1/id-tags')).toMatchObject({ required: expect.arrayContaining(['idTag', 'status']), properties: { idTag: { maxLength: 20 } } });
    const limit = doc.paths['/api/v1/chargers'].get.parameters!.find((p) => p.name === 'limit');
    expect(limit).toMatchObject({ required: false, schema: { type: 'integer', minimum: 1 } });
  });

  test('the ApiError component is what the API answers: bad input, unknown route, no token, wrong role', async () => {
    const apiError = ajv.getSchema('openapi#/components/schemas/ApiError')!;
    const required = doc.components.schemas.ApiError.required as string[];
    expect(required).toEqual(expect.arrayContaining(['error', 'message']));
    const answers = {
      badNumber: await apiClient(csms.apiUrl, { token: viewer }).get('/api/v1/transactions/abc'),
      badBody: await admin().post('/api/v1/api-tokens', { name: 'x', role: 'root' }),
      unknownRoute: await apiClient(csms.apiUrl, { token: viewer }).get('/api/v1/no-such-route'),
      noToken: await apiClient(csms.apiUrl, { token: null }).get('/api/v1/chargers'),
      wrongRole: await apiClient(csms.apiUrl, { token: viewer }).post('/api/v1/id-tags', { idTag: 'T1', status: 'Accepted' }),
      unknownTransaction: await apiClient(csms.apiUrl, { token: viewer }).get('/api/v1/transactions/424242'),
    };
    expect(Object.fromEntries(Object.entries(answers).map(([k, r]) => [k, r.status]))).toEqual({
      badNumber: 400,
      badBody: 400,
      unknownRoute: 404,
      noToken: 401,
      wrongRole: 403,
      unknownTransaction: 404,
    });
    for (const [k, r] of Object.entries(answers)) {
      expect([k, apiError(r.body) ? [] : apiError.errors]).toEqual([k, []]);
      for (const p of required) expect([k, p, typeof r.body[p]]).toEqual([k, p, 'string']);
    }
    // The field errors carry the field and the rule, as the component says.
    expect(answers.badNumber.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'id', rule: 'isInt' })]));
    expect(answers.badBody.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'role' })]));
  });

  test('success answers match their documented schemas, with a charger connected and a transaction', async () => {
    const a = admin();
    charger = rpcCharger(
      `${csms.ocppUrl}/ocpp`,
      CHARGER,
      { GetConfiguration: () => ({ configurationKey: [{ key: 'HeartbeatInterval', readonly: false, value: '60' }], unknownKey: [] }) },
      () => ({ status: 'NotSupported' }),
    );
    await charger.connect();
    await charger.call('BootNotification', { chargePointVendor: 'Zaptec', chargePointModel: 'ZAPTEC GO', firmwareVersion: '2.1.0' });
    await charger.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Charging', timestamp: now() });
    await a.post('/api/v1/id-tags', { idTag: 'OPENAPI2', status: 'Accepted' });
    const { transactionId } = (await charger.call('StartTransaction', { connectorId: 1, idTag: 'OPENAPI2', meterStart: 1_000, timestamp: now() })) as {
      transactionId: number;
    };
    await charger.call('MeterValues', {
      connectorId: 1,
      transactionId,
      meterValue: [{ timestamp: now(), sampledValue: [{ value: '7200', measurand: 'Power.Active.Import', unit: 'W' }] }],
    });
    // The services store the facts from the stream a moment after the charger's answer.
    for (let i = 0; i < 100; i++) {
      const [list, tx, power] = await Promise.all([
        a.get('/api/v1/chargers'),
        a.get(`/api/v1/transactions/${transactionId}`),
        a.get(`/api/v1/chargers/${CHARGER}/power`),
      ]);
      if (
        list.body.items?.some(
          (c: { id: string; connected: boolean; boot: unknown; connectors?: unknown[] }) => c.id === CHARGER && c.connected && c.boot && c.connectors?.length,
        ) &&
        tx.status === 200 &&
        tx.body.meterValues?.length &&
        power.body.connectors?.length
      )
        break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const created = await a.post('/api/v1/id-tags', { idTag: 'OPENAPI1', status: 'Accepted', group: 'docs' });
    const calls: Array<[string, string, number, Promise<{ status: number; body: unknown }>]> = [
      ['get', '/api/v1/whoami', 200, a.get('/api/v1/whoami')],
      ['get', '/api/v1/fleet/summary', 200, a.get('/api/v1/fleet/summary')],
      ['get', '/api/v1/chargers', 200, a.get('/api/v1/chargers')],
      ['get', '/api/v1/chargers', 200, a.get('/api/v1/chargers?view=compact')],
      ['get', '/api/v1/id-tags', 200, a.get('/api/v1/id-tags')],
      ['get', '/api/v1/id-tags/{idTag}', 200, a.get('/api/v1/id-tags/OPENAPI1')],
      ['get', '/api/v1/api-tokens', 200, a.get('/api/v1/api-tokens')],
      ['get', '/api/v1/audit', 200, a.get('/api/v1/audit')],
      ['get', '/api/v1/configuration', 200, a.get('/api/v1/configuration')],
      ['get', '/api/v1/models/{model}/configuration', 200, a.get('/api/v1/models/zaptec-go/configuration')],
      ['get', '/api/v1/profiles', 200, a.get('/api/v1/profiles')],
      ['get', '/api/v1/transactions', 200, a.get('/api/v1/transactions')],
      ['get', '/api/v1/dead-letters', 200, a.get('/api/v1/dead-letters')],
      ['get', '/api/v1/chargers/{id}/security-events', 200, a.get('/api/v1/chargers/ZAPNOBODY1/security-events')],
      ['get', '/api/v1/chargers/{id}/meter-values', 200, a.get('/api/v1/chargers/ZAPNOBODY1/meter-values')],
      ['get', '/api/v1/chargers/{id}/power', 200, a.get('/api/v1/chargers/ZAPNOBODY1/power')],
      ['get', '/api/v1/chargers/{id}/diagnostics', 200, a.get('/api/v1/chargers/ZAPNOBODY1/diagnostics')],
      ['get', '/api/v1/chargers/{id}', 200, a.get(`/api/v1/chargers/${CHARGER}`)],
      ['get', '/api/v1/chargers/{id}/configuration', 200, a.get(`/api/v1/chargers/${CHARGER}/configuration`)],
      ['get', '/api/v1/chargers/{id}/configuration/history', 200, a.get(`/api/v1/chargers/${CHARGER}/configuration/history`)],
      ['get', '/api/v1/chargers/{id}/local-auth-list', 200, a.get(`/api/v1/chargers/${CHARGER}/local-auth-list`)],
      ['get', '/api/v1/chargers/{id}/authorization-key', 200, a.get(`/api/v1/chargers/${CHARGER}/authorization-key`)],
      ['get', '/api/v1/chargers/{id}/power', 200, a.get(`/api/v1/chargers/${CHARGER}/power`)],
      ['get', '/api/v1/chargers/{id}/meter-values', 200, a.get(`/api/v1/chargers/${CHARGER}/meter-values`)],
      ['get', '/api/v1/transactions/{id}', 200, a.get(`/api/v1/transactions/${transactionId}`)],
      ['get', '/api/v1/transactions', 200, a.get(`/api/v1/transactions?chargerId=${CHARGER}`)],
      ['post', '/api/v1/chargers/{id}/commands/{action}', 200, a.post(`/api/v1/chargers/${CHARGER}/commands/GetConfiguration`, {})],
      ['put', '/api/v1/chargers/{id}/boot-policy', 200, a.put(`/api/v1/chargers/${CHARGER}/boot-policy`, { applyConfigurationBeforeAccept: false })],
    ];
    const wrong: string[] = [];
    const check = (method: string, path: string, status: number, res: { status: number; body: unknown }): void => {
      if (res.status !== status) return void wrong.push(`${method.toUpperCase()} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
      const validate = documented(method, path, status);
      if (!validate(res.body)) wrong.push(`${method.toUpperCase()} ${path}: ${ajv.errorsText(validate.errors)}`);
    };
    check('post', '/api/v1/id-tags', 201, created);
    for (const [method, path, status, res] of calls) check(method, path, status, await res);
    check('post', '/api/v1/api-tokens', 201, await a.post('/api/v1/api-tokens', { name: 'openapi-check', role: 'operator' }));
    expect(wrong).toEqual([]);
    // The charger's answers were there to validate, not empty lists.
    const one = (await a.get(`/api/v1/chargers/${CHARGER}`)).body;
    expect(one).toMatchObject({ id: CHARGER, connected: true, boot: { firmwareVersion: '2.1.0' }, connectors: [{ connectorId: 1, status: 'Charging' }] });
    expect((await a.get(`/api/v1/chargers/${CHARGER}/power`)).body.connectors).toEqual([expect.objectContaining({ connectorId: 1, powerW: 7200 })]);
  });

  test('the event stream is documented as text/event-stream and answers so', async () => {
    expect(Object.keys(doc.paths['/api/v1/events'].get.responses['200'].content ?? {})).toEqual(['text/event-stream']);
    const res = await fetch(`${csms.apiUrl}/api/v1/events`, { headers: { Authorization: `Bearer ${viewer}` } });
    expect([res.status, res.headers.get('content-type')?.split(';')[0]]).toEqual([200, 'text/event-stream']);
    await res.body?.cancel();
  });
});
