import { hostname } from 'node:os';
import { loadEnv } from './load-env.js';

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
  connectThrottle: { pairMaxFailures: number; identityMaxFailures: number; addressMaxIdentities: number; windowMs: number; baseBackoffMs: number; maxBackoffMs: number };
  provisionalChargerTtlS: number;
  /** EVENTS_*: the live event stream (libs/gateway events/). */
  liveEvents: { heartbeatMs: number; clientBufferBytes: number; clientStallMs: number; powerIntervalMs: number };
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
    tls: v.TLS_CERT_FILE
      ? { certFile: v.TLS_CERT_FILE as string, keyFile: v.TLS_KEY_FILE as string, caFile: v.TLS_CA_FILE as string | undefined }
      : undefined,
    logLevel: v.LOG_LEVEL as AppConfig['logLevel'],
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
    liveEvents: {
      heartbeatMs: (v.EVENTS_HEARTBEAT_S as number) * 1000,
      clientBufferBytes: v.EVENTS_CLIENT_BUFFER_BYTES as number,
      clientStallMs: (v.EVENTS_CLIENT_STALL_S as number) * 1000,
      powerIntervalMs: v.EVENTS_POWER_INTERVAL_MS as number,
    },
  };
}

function natsClientConfig(v: Record<string, unknown>): NatsClientConfig {
  const s = (name: string): string | undefined => v[name] as string | undefined;
  const tls = { caFile: s('NATS_TLS_CA_FILE'), certFile: s('NATS_TLS_CERT_FILE'), keyFile: s('NATS_TLS_KEY_FILE') };
  const out: NatsClientConfig = { user: s('NATS_USER'), password: s('NATS_PASSWORD'), token: s('NATS_TOKEN'), nkeySeedFile: s('NATS_NKEY_SEED_FILE'), credsFile: s('NATS_CREDS_FILE') };
  if (tls.caFile || tls.certFile) out.tls = tls;
  return out;
}
