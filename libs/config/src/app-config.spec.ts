import { checkApiAccessForProduction, loadAppConfig } from './app-config.js';

const refusal = (env: NodeJS.ProcessEnv): string => {
  try {
    checkApiAccessForProduction(loadAppConfig(env).apiAccess);
    return '';
  } catch (err) {
    return (err as Error).message;
  }
};

describe('API access configuration (API_AUTH, API_ADMIN_TOKEN, OIDC_*, API_CORS_ORIGINS)', () => {
  it('defaults: loopback-trusted, no admin token, no OIDC, no CORS, role claim csms_role when OIDC is on', () => {
    expect(loadAppConfig({}).apiAccess).toEqual({
      mode: 'loopback-trusted',
      modeSet: false,
      adminToken: undefined,
      oidc: undefined,
      corsOrigins: [],
      production: false,
    });
    expect(loadAppConfig({ OIDC_ISSUER: 'https://idp.example/realms/ops/', OIDC_AUDIENCE: 'csms' }).apiAccess.oidc).toEqual({
      issuer: 'https://idp.example/realms/ops',
      audience: 'csms',
      roleClaim: 'csms_role',
    });
  });

  it('production (NODE_ENV=production) refuses to start without API_AUTH=token, naming the variable', () => {
    expect(refusal({ NODE_ENV: 'production' })).toMatch(/API_AUTH.*must be "token" in production/);
    expect(refusal({ NODE_ENV: 'production', API_AUTH: 'loopback-trusted' })).toMatch(/API_AUTH/);
    expect(refusal({ NODE_ENV: 'production', API_AUTH: 'token' })).toBe('');
    expect(refusal({ NATS_URL: 'nats://127.0.0.1:4222' })).toBe('');
  });

  it('refuses a short admin token, OIDC half configured, a bad CORS origin, an unknown mode', () => {
    expect(() => loadAppConfig({ API_ADMIN_TOKEN: 'short' })).toThrow(/API_ADMIN_TOKEN/);
    expect(() => loadAppConfig({ OIDC_ISSUER: 'https://idp.example' })).toThrow(/OIDC_AUDIENCE/);
    expect(() => loadAppConfig({ OIDC_AUDIENCE: 'csms' })).toThrow(/OIDC_ISSUER/);
    for (const bad of ['*', 'https://ops.example.com/', 'ops.example.com', 'https://ops.example.com/path', 'ftp://x.example']) {
      expect(() => loadAppConfig({ API_CORS_ORIGINS: bad })).toThrow(/API_CORS_ORIGINS/);
    }
    expect(loadAppConfig({ API_CORS_ORIGINS: 'https://a.example, http://localhost:5173' }).apiAccess.corsOrigins).toEqual([
      'https://a.example',
      'http://localhost:5173',
    ]);
    expect(() => loadAppConfig({ API_AUTH: 'none' })).toThrow(/API_AUTH/);
  });
});

describe('trace export configuration (OTEL_*)', () => {
  it('is off by default; an endpoint and a service name are taken as given', () => {
    expect(loadAppConfig({}).tracing).toEqual({});
    expect(loadAppConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector:4318', OTEL_SERVICE_NAME: 'csms-eu' }).tracing).toEqual({
      otlpEndpoint: 'http://otel-collector:4318',
      serviceName: 'csms-eu',
    });
  });

  it('a bad value stops start-up naming the variable, never echoing the headers (a secret)', () => {
    for (const bad of ['not a url', 'grpc://collector:4317', 'http://a:4318,http://b:4318']) {
      expect(() => loadAppConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: bad })).toThrow(/OTEL_EXPORTER_OTLP_ENDPOINT/);
    }
    expect(() => loadAppConfig({ OTEL_SERVICE_NAME: '   ' })).toThrow(/OTEL_SERVICE_NAME/);
    let message = '';
    try {
      loadAppConfig({ OTEL_EXPORTER_OTLP_HEADERS: 'api-key hunter2secret' });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/OTEL_EXPORTER_OTLP_HEADERS/);
    expect(message).not.toContain('hunter2secret');
    expect(() => loadAppConfig({ OTEL_EXPORTER_OTLP_HEADERS: 'api-key=abc,x-tenant=ops' })).not.toThrow();
  });
});

describe('diagnostics uploads (UPLOAD_BASE_URL, DIAGNOSTICS_MAX_BYTES)', () => {
  it('defaults to the API port on localhost and 50 MiB', () => {
    expect(loadAppConfig({}).uploads).toEqual({ baseUrl: 'http://localhost:8080', maxBytes: 52_428_800 });
    expect(loadAppConfig({ API_PORT: '9090' }).uploads.baseUrl).toBe('http://localhost:9090');
  });

  it('takes an http(s) base URL, without its trailing slash', () => {
    expect(loadAppConfig({ UPLOAD_BASE_URL: 'https://csms.example.com/uploads/' }).uploads.baseUrl).toBe('https://csms.example.com/uploads');
  });

  it('refuses another scheme, a query, a fragment, or a limit out of range, naming the variable', () => {
    for (const bad of ['ftp://diag.example', 'https://csms.example.com/?a=1', 'https://csms.example.com/#x', 'not a url']) {
      expect(() => loadAppConfig({ UPLOAD_BASE_URL: bad })).toThrow(/UPLOAD_BASE_URL/);
    }
    expect(() => loadAppConfig({ DIAGNOSTICS_MAX_BYTES: '10' })).toThrow(/DIAGNOSTICS_MAX_BYTES/);
  });
});
