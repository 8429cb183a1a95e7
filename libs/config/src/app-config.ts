import { hostname } from 'node:os';
import { EnvConfigError, loadEnv } from './load-env.js';

/** The validated configuration every process starts from. */
export interface AppConfig {
  natsUrl?: string;
  /** NATS credentials and TLS files (NATS_USER ... NATS_TLS_KEY_FILE); empty without them. */
  natsClient: NatsClientConfig;
  databaseUrl?: string;
  dataDir: string;
  ocppPort: number;
  apiPort: number;
  ocppPathPrefix: string;
  unknownChargers: 'accept' | 'pending' | 'reject';
  tls?: { certFile: string; keyFile: string; caFile?: string };
  logLevel: 'error' | 'warn' | 'info' | 'debug';
  logFormat: 'auto' | 'json' | 'pretty';
  /** OTEL_*: span export (libs/tracing); no endpoint: nothing exported, trace ids still in logs. */
  tracing: TracingConfig;
  gatewayId: string;
  commandTimeoutMs: number;
  pingIntervalMs: number;
  badFramesPerMinute: number;
  maxSendBufferBytes: number;
  maxFrameBytes: number;
  heartbeatIntervalS: number;
  drainWindowMs: number;
  meterValuesRetentionDays: number;
  concurrentTx: boolean;
  /** THROTTLE_*: the failed-login slow-down (libs/auth connect-throttle.ts). */
  connectThrottle: {
    pairMaxFailures: number;
    identityMaxFailures: number;
    addressMaxIdentities: number;
    windowMs: number;
    baseBackoffMs: number;
    maxBackoffMs: number;
  };
  provisionalChargerTtlS: number;
  /** AUTH_CREDENTIAL_SECRET: the server secrets of keyed credential hashes, newest first; empty: auth's database keeps one. */
  credentialSecrets: string[];
  /** BUS_MAX_DELIVERIES and NATS_STREAM_REPLICAS (libs/bus poison isolation, stream replicas). */
  bus: { maxDeliveries: number; streamReplicas: number };
  /** API_*_TIMEOUT_MS: idle and receive limits of the HTTP listener. */
  httpTimeouts: { keepAliveTimeoutMs: number; headersTimeoutMs: number; requestTimeoutMs: number };
  /** API_AUTH, API_ADMIN_TOKEN, OIDC_*, API_CORS_ORIGINS: who may call the operator API (docs/api-auth.md). */
  apiAccess: ApiAccessConfig;
  /** EVENTS_*: the live event stream (libs/gateway events/). */
  liveEvents: { heartbeatMs: number; clientBufferBytes: number; clientStallMs: number; powerIntervalMs: number };
  /** UPLOAD_BASE_URL, DIAGNOSTICS_MAX_BYTES: where chargers upload diagnostics, and how much (docs/diagnostics.md). */
  uploads: { baseUrl: string; maxBytes: number };
}

export interface TracingConfig {
  otlpEndpoint?: string;
  /** OTEL_SERVICE_NAME; unset: the process's service name. */
  serviceName?: string;
}

export type ApiAuthMode = 'loopback-trusted' | 'token';

export interface ApiAccessConfig {
  mode: ApiAuthMode;
  /** False when API_AUTH was left unset (the mode is the default). */
  modeSet: boolean;
  adminToken?: string;
  oidc?: { issuer: string; audience: string; roleClaim: string };
  /** Exact origins allowed cross-origin; empty: CORS off. */
  corsOrigins: string[];
  /** NODE_ENV=production (what the Docker image sets): unauthenticated API access is refused at start-up. */
  production: boolean;
}

export interface NatsClientConfig {
  user?: string;
  password?: string;
  token?: string;
  nkeySeedFile?: string;
  credsFile?: string;
  tls?: { caFile?: string; certFile?: string; keyFile?: string };
}

export function loadAppConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const v = loadEnv(env);
  const prefix = String(v.OCPP_PATH_PREFIX ?? '').replace(/\/+$/, '');
  return {
    natsUrl: v.NATS_URL as string | undefined,
    natsClient: natsClientConfig(v),
    databaseUrl: v.DATABASE_URL as string | undefined,
    dataDir: v.DATA_DIR as string,
    ocppPort: v.OCPP_PORT as number,
    apiPort: v.API_PORT as number,
    ocppPathPrefix: prefix === '' || prefix.startsWith('/') ? prefix : `/${prefix}`,
    unknownChargers: v.UNKNOWN_CHARGERS as AppConfig['unknownChargers'],
    tls: v.TLS_CERT_FILE ? { certFile: v.TLS_CERT_FILE as string, keyFile: v.TLS_KEY_FILE as string, caFile: v.TLS_CA_FILE as string | undefined } : undefined,
    logLevel: v.LOG_LEVEL as AppConfig['logLevel'],
    logFormat: v.LOG_FORMAT as AppConfig['logFormat'],
    tracing: tracingConfig(v),
    gatewayId: (v.GATEWAY_ID as string | undefined) ?? `${hostname()}-${process.pid}`,
    commandTimeoutMs: v.COMMAND_TIMEOUT_MS as number,
    pingIntervalMs: v.PING_INTERVAL_MS as number,
    badFramesPerMinute: v.BAD_FRAMES_PER_MINUTE as number,
    maxSendBufferBytes: v.MAX_SEND_BUFFER_BYTES as number,
    maxFrameBytes: v.MAX_FRAME_BYTES as number,
    heartbeatIntervalS: v.HEARTBEAT_INTERVAL_S as number,
    drainWindowMs: v.DRAIN_WINDOW_MS as number,
    meterValuesRetentionDays: v.METER_VALUES_RETENTION_DAYS as number,
    concurrentTx: v.CONCURRENT_TX as boolean,
    connectThrottle: {
      pairMaxFailures: v.THROTTLE_PAIR_FAILURES as number,
      identityMaxFailures: v.THROTTLE_CHARGER_FAILURES as number,
      addressMaxIdentities: v.THROTTLE_ADDRESS_IDENTITIES as number,
      windowMs: (v.THROTTLE_WINDOW_S as number) * 1000,
      baseBackoffMs: (v.THROTTLE_FIRST_BACKOFF_S as number) * 1000,
      maxBackoffMs: (v.THROTTLE_MAX_BACKOFF_S as number) * 1000,
    },
    provisionalChargerTtlS: v.PROVISIONAL_CHARGER_TTL_S as number,
    credentialSecrets: credentialSecrets(v.AUTH_CREDENTIAL_SECRET as string | undefined),
    bus: { maxDeliveries: v.BUS_MAX_DELIVERIES as number, streamReplicas: v.NATS_STREAM_REPLICAS as number },
    httpTimeouts: {
      keepAliveTimeoutMs: v.API_KEEP_ALIVE_TIMEOUT_MS as number,
      headersTimeoutMs: v.API_HEADERS_TIMEOUT_MS as number,
      requestTimeoutMs: v.API_REQUEST_TIMEOUT_MS as number,
    },
    apiAccess: apiAccessConfig(v, env),
    liveEvents: {
      heartbeatMs: (v.EVENTS_HEARTBEAT_S as number) * 1000,
      clientBufferBytes: v.EVENTS_CLIENT_BUFFER_BYTES as number,
      clientStallMs: (v.EVENTS_CLIENT_STALL_S as number) * 1000,
      powerIntervalMs: v.EVENTS_POWER_INTERVAL_MS as number,
    },
    uploads: uploadsConfig(v),
  };
}

/** One http(s) collector URL; the headers (a secret) well-formed, as the exporter would otherwise drop them quietly. */
function tracingConfig(v: Record<string, unknown>): TracingConfig {
  const endpoint = v.OTEL_EXPORTER_OTLP_ENDPOINT as string | undefined;
  if (endpoint !== undefined && (endpoint.includes(',') || !/^https?:$/.test(new URL(endpoint).protocol))) {
    throw new EnvConfigError('OTEL_EXPORTER_OTLP_ENDPOINT', `must be one http:// or https:// URL (OTLP over HTTP), got "${endpoint}"`);
  }
  const headers = v.OTEL_EXPORTER_OTLP_HEADERS as string | undefined;
  if (headers !== undefined && !headers.split(',').every((pair) => /^\s*[^=\s]+\s*=[^,]*$/.test(pair))) {
    throw new EnvConfigError('OTEL_EXPORTER_OTLP_HEADERS', 'must be key=value pairs separated by commas');
  }
  const serviceName = (v.OTEL_SERVICE_NAME as string | undefined)?.trim();
  if (v.OTEL_SERVICE_NAME !== undefined && !serviceName) throw new EnvConfigError('OTEL_SERVICE_NAME', 'must not be blank');
  return { ...(endpoint ? { otlpEndpoint: endpoint } : {}), ...(serviceName ? { serviceName } : {}) };
}

function uploadsConfig(v: Record<string, unknown>): AppConfig['uploads'] {
  const raw = (v.UPLOAD_BASE_URL as string | undefined) ?? `http://localhost:${v.API_PORT as number}`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new EnvConfigError('UPLOAD_BASE_URL', 'must be an absolute http(s) URL');
  }
  // Chargers upload by HTTP(S) to this URL: another scheme, a query or a fragment would not survive the appended path.
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.search || url.hash) {
    throw new EnvConfigError('UPLOAD_BASE_URL', 'must be an http(s) URL without query or fragment (e.g. https://csms.example.com)');
  }
  return { baseUrl: url.href.replace(/\/+$/, ''), maxBytes: v.DIAGNOSTICS_MAX_BYTES as number };
}

/** An admin token shorter than this is guessable; the generated ones are 43 characters of base64url. */
export const MIN_ADMIN_TOKEN_LENGTH = 32;

function apiAccessConfig(v: Record<string, unknown>, env: NodeJS.ProcessEnv): ApiAccessConfig {
  const s = (name: string): string | undefined => v[name] as string | undefined;
  const adminToken = s('API_ADMIN_TOKEN');
  if (adminToken !== undefined && (adminToken.length < MIN_ADMIN_TOKEN_LENGTH || /\s/.test(adminToken))) {
    throw new EnvConfigError('API_ADMIN_TOKEN', `must be at least ${MIN_ADMIN_TOKEN_LENGTH} characters without spaces (e.g. openssl rand -base64 32)`);
  }
  const issuer = s('OIDC_ISSUER');
  const audience = s('OIDC_AUDIENCE');
  if (issuer && !audience) throw new EnvConfigError('OIDC_AUDIENCE', 'is required with OIDC_ISSUER (a token for another audience must not pass)');
  if (audience && !issuer) throw new EnvConfigError('OIDC_ISSUER', 'is required with OIDC_AUDIENCE');
  if (issuer && issuer.includes(',')) throw new EnvConfigError('OIDC_ISSUER', 'must be one issuer URL');
  return {
    mode: (s('API_AUTH') as ApiAuthMode | undefined) ?? 'loopback-trusted',
    modeSet: s('API_AUTH') !== undefined,
    adminToken,
    oidc: issuer && audience ? { issuer: issuer.replace(/\/+$/, ''), audience, roleClaim: s('OIDC_ROLE_CLAIM') ?? 'csms_role' } : undefined,
    corsOrigins: parseCorsOrigins(s('API_CORS_ORIGINS')),
    production: env.NODE_ENV === 'production',
  };
}

/** Exact origins (scheme://host[:port]); a wildcard, a path or a bad URL stops start-up. */
function parseCorsOrigins(raw: string | undefined): string[] {
  if (!raw) return [];
  return raw
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((origin) => {
      let parsed: URL | undefined;
      try {
        parsed = new URL(origin);
      } catch {
        /* reported below */
      }
      if (!parsed || parsed.origin !== origin || !/^https?:$/.test(parsed.protocol)) {
        throw new EnvConfigError(
          'API_CORS_ORIGINS',
          `each entry must be an exact origin such as https://ops.example.com (no wildcard, path or trailing slash), got "${origin}"`,
        );
      }
      return origin;
    });
}

/**
 * Production (NODE_ENV=production, which the Docker image sets) never serves the operator API without
 * authentication: API_AUTH must say token. Only for the processes that serve /api/v1 (gateway, csms).
 */
export function checkApiAccessForProduction(access: ApiAccessConfig): void {
  if (access.production && access.mode !== 'token') {
    throw new EnvConfigError(
      'API_AUTH',
      `must be "token" in production (NODE_ENV=production)${access.modeSet ? `, got "${access.mode}"` : ' (unset means loopback-trusted)'}: requests from loopback would act as admin without a token`,
    );
  }
}

/** Secrets shorter than this are guessable (HMAC-SHA-256 keys need no more than its 32-byte output). */
export const MIN_CREDENTIAL_SECRET_LENGTH = 32;

function credentialSecrets(raw: string | undefined): string[] {
  const secrets = (raw ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
  if (secrets.some((x) => x.length < MIN_CREDENTIAL_SECRET_LENGTH)) {
    throw new EnvConfigError(
      'AUTH_CREDENTIAL_SECRET',
      `each comma-separated secret must be at least ${MIN_CREDENTIAL_SECRET_LENGTH} characters (e.g. openssl rand -base64 48)`,
    );
  }
  return secrets;
}

function natsClientConfig(v: Record<string, unknown>): NatsClientConfig {
  const s = (name: string): string | undefined => v[name] as string | undefined;
  const tls = { caFile: s('NATS_TLS_CA_FILE'), certFile: s('NATS_TLS_CERT_FILE'), keyFile: s('NATS_TLS_KEY_FILE') };
  const out: NatsClientConfig = {
    user: s('NATS_USER'),
    password: s('NATS_PASSWORD'),
    token: s('NATS_TOKEN'),
    nkeySeedFile: s('NATS_NKEY_SEED_FILE'),
    credsFile: s('NATS_CREDS_FILE'),
  };
  if (tls.caFile || tls.certFile) out.tls = tls;
  return out;
}
