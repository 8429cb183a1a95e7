import { ENV_SPEC, type EnvVarSpec } from './env-spec.js';

/** A bad environment variable: start-up stops with this message, which names the variable. */
export class EnvConfigError extends Error {
  readonly code = 'CONFIG_INVALID_ENV';
  constructor(
    readonly variable: string,
    readonly rule: string,
  ) {
    super(`invalid environment variable ${variable}: ${rule}`);
    this.name = 'EnvConfigError';
  }
}

export type EnvValue = string | number | boolean | undefined;

function parseOne(spec: EnvVarSpec, raw: string | undefined): EnvValue {
  const value = raw === undefined || raw === '' ? spec.default : raw;
  if (value === undefined) return undefined;
  switch (spec.kind) {
    case 'port': {
      if (!/^\d+$/.test(value)) throw new EnvConfigError(spec.name, `must be a port number 0-65535, got "${value}"`);
      const n = Number(value);
      if (n > 65535) throw new EnvConfigError(spec.name, `must be a port number 0-65535, got "${value}"`);
      return n;
    }
    case 'int': {
      if (!/^-?\d+$/.test(value)) throw new EnvConfigError(spec.name, `must be an integer, got "${value}"`);
      const n = Number(value);
      if ((spec.min !== undefined && n < spec.min) || (spec.max !== undefined && n > spec.max)) {
        throw new EnvConfigError(spec.name, `must be between ${spec.min} and ${spec.max}, got ${n}`);
      }
      return n;
    }
    case 'enum':
      if (!spec.values?.includes(value)) {
        throw new EnvConfigError(spec.name, `must be one of ${spec.values?.join(', ')}, got "${value}"`);
      }
      return value;
    case 'bool':
      if (value !== 'true' && value !== 'false') throw new EnvConfigError(spec.name, `must be true or false, got "${value}"`);
      return value === 'true';
    case 'url':
      for (const part of value.split(',')) {
        try {
          new URL(part.trim());
        } catch {
          throw new EnvConfigError(spec.name, `must be a URL (or a comma-separated list of URLs), got "${spec.secret ? '<hidden>' : part}"`);
        }
      }
      return value;
    default:
      return value;
  }
}

/** Reads and validates every variable of ENV_SPEC; throws EnvConfigError on the first bad one. */
export function loadEnv(env: NodeJS.ProcessEnv = process.env): Record<string, EnvValue> {
  const out: Record<string, EnvValue> = {};
  for (const spec of ENV_SPEC) out[spec.name] = parseOne(spec, env[spec.name]);
  if ((out.TLS_CERT_FILE === undefined) !== (out.TLS_KEY_FILE === undefined)) {
    throw new EnvConfigError(out.TLS_CERT_FILE === undefined ? 'TLS_CERT_FILE' : 'TLS_KEY_FILE', 'TLS_CERT_FILE and TLS_KEY_FILE must be set together');
  }
  if (out.TLS_CA_FILE !== undefined && out.TLS_CERT_FILE === undefined) {
    throw new EnvConfigError('TLS_CA_FILE', 'needs TLS_CERT_FILE and TLS_KEY_FILE (mutual TLS runs over TLS)');
  }
  checkNatsClient(out);
  return out;
}

const NATS_CLIENT_VARIABLES = [
  'NATS_USER',
  'NATS_PASSWORD',
  'NATS_TOKEN',
  'NATS_NKEY_SEED_FILE',
  'NATS_CREDS_FILE',
  'NATS_TLS_CA_FILE',
  'NATS_TLS_CERT_FILE',
  'NATS_TLS_KEY_FILE',
];

/** NATS credentials and TLS files come in pairs and only with a NATS_URL to use them on. */
function checkNatsClient(out: Record<string, EnvValue>): void {
  for (const [a, b] of [
    ['NATS_USER', 'NATS_PASSWORD'],
    ['NATS_TLS_CERT_FILE', 'NATS_TLS_KEY_FILE'],
  ]) {
    if ((out[a] === undefined) !== (out[b] === undefined)) throw new EnvConfigError(out[a] === undefined ? a : b, `${a} and ${b} must be set together`);
  }
  const used = NATS_CLIENT_VARIABLES.find((name) => out[name] !== undefined);
  if (used && out.NATS_URL === undefined) throw new EnvConfigError(used, 'needs NATS_URL (the in-process bus has no credentials)');
}
