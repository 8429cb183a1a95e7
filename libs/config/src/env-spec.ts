/**
 * Every environment variable the system reads, with its default and its rule. This is the one list:
 * the config loader, the README table, docker/ and k8s/ checks all read it from here.
 */
export type EnvKind = 'url' | 'port' | 'path' | 'int' | 'enum' | 'string' | 'bool';

export interface EnvVarSpec {
  name: string;
  kind: EnvKind;
  /** Default as the string a user would write; undefined = unset means "feature off". */
  default?: string;
  /** For enums. */
  values?: readonly string[];
  /** For ints: inclusive range. */
  min?: number;
  max?: number;
  /** Which processes read it ('all' = every service). */
  usedBy: ReadonlyArray<'all' | 'gateway' | 'auth' | 'config-manager' | 'metering' | 'csms'>;
  description: string;
  /** Holds a secret: goes in a Secret, never in logs. */
  secret?: boolean;
}

export const ENV_SPEC: readonly EnvVarSpec[] = [
  { name: 'NATS_URL', kind: 'url', usedBy: ['all'], description: 'NATS server(s), comma-separated. Unset: in-process bus (all-in-one only).' },
  // NATS as operators run it (docs/deploy.md 3.1): credentials and TLS beside NATS_URL, never inside it.
  { name: 'NATS_USER', kind: 'string', usedBy: ['all'], description: 'NATS user name (with NATS_PASSWORD).' },
  { name: 'NATS_PASSWORD', kind: 'string', usedBy: ['all'], secret: true, description: 'NATS password (with NATS_USER).' },
  { name: 'NATS_TOKEN', kind: 'string', usedBy: ['all'], secret: true, description: 'NATS authentication token.' },
  { name: 'NATS_NKEY_SEED_FILE', kind: 'path', usedBy: ['all'], secret: true, description: 'File holding the NKEY seed (SU...) of a NATS nkey user.' },
  { name: 'NATS_CREDS_FILE', kind: 'path', usedBy: ['all'], secret: true, description: 'NATS credentials file (user JWT and NKEY seed), decentralized auth.' },
  { name: 'NATS_TLS_CA_FILE', kind: 'path', usedBy: ['all'], description: 'PEM CA bundle the NATS server certificate is verified with (turns TLS on).' },
  { name: 'NATS_TLS_CERT_FILE', kind: 'path', usedBy: ['all'], description: 'PEM client certificate for NATS mutual TLS (with NATS_TLS_KEY_FILE).' },
  { name: 'NATS_TLS_KEY_FILE', kind: 'path', usedBy: ['all'], secret: true, description: 'PEM private key of NATS_TLS_CERT_FILE.' },
  { name: 'DATABASE_URL', kind: 'url', usedBy: ['all'], secret: true, description: 'PostgreSQL URL. Unset: embedded PGlite under DATA_DIR.' },
  { name: 'DATA_DIR', kind: 'path', default: './data', usedBy: ['csms'], description: 'Where the embedded database and the in-process journal live.' },
  { name: 'OCPP_PORT', kind: 'port', default: '9000', usedBy: ['gateway', 'csms'], description: 'WebSocket port for chargers.' },
  { name: 'API_PORT', kind: 'port', default: '8080', usedBy: ['all'], description: 'HTTP port: API (gateway), health and metrics (every service).' },
  {
    name: 'OCPP_PATH_PREFIX',
    kind: 'string',
    default: '',
    usedBy: ['gateway', 'csms'],
    description: 'Path prefix before the identity (e.g. /ocpp). Empty: any path, identity = last segment.',
  },
  {
    name: 'UNKNOWN_CHARGERS',
    kind: 'enum',
    default: 'accept',
    values: ['accept', 'pending', 'reject'],
    usedBy: ['auth', 'config-manager', 'csms'],
    description: 'What happens to a charger nobody registered.',
  },
  { name: 'TLS_CERT_FILE', kind: 'path', usedBy: ['gateway', 'csms'], description: 'PEM certificate: serve wss (security profile 2/3).' },
  { name: 'TLS_KEY_FILE', kind: 'path', usedBy: ['gateway', 'csms'], secret: true, description: 'PEM private key for TLS_CERT_FILE.' },
  { name: 'TLS_CA_FILE', kind: 'path', usedBy: ['gateway', 'csms'], description: 'PEM CA bundle to verify charger client certificates (security profile 3).' },
  { name: 'LOG_LEVEL', kind: 'enum', default: 'info', values: ['error', 'warn', 'info', 'debug'], usedBy: ['all'], description: 'Log verbosity.' },
  {
    name: 'LOG_FORMAT',
    kind: 'enum',
    default: 'auto',
    values: ['auto', 'json', 'pretty'],
    usedBy: ['all'],
    description: 'json: one JSON object per line (for log pipelines); pretty: coloured text; auto: json unless stdout is a terminal.',
  },
  // Traces (docs/deploy.md#37-logs-and-traces): the standard OpenTelemetry variables. Unset endpoint: no SDK,
  // nothing exported; the correlation id (trace id) still reaches every log line.
  {
    name: 'OTEL_EXPORTER_OTLP_ENDPOINT',
    kind: 'url',
    usedBy: ['all'],
    description: 'OTLP/HTTP collector base URL (http://otel-collector:4318); spans go to <it>/v1/traces as JSON. Unset: no traces exported.',
  },
  {
    name: 'OTEL_SERVICE_NAME',
    kind: 'string',
    usedBy: ['all'],
    description: "service.name of the exported spans. Unset: the process's service (gateway, auth, config-manager, metering, csms).",
  },
  {
    name: 'OTEL_EXPORTER_OTLP_HEADERS',
    kind: 'string',
    secret: true,
    usedBy: ['all'],
    description: "Headers sent with every export, key=value pairs separated by commas (a collector's API key).",
  },
  { name: 'GATEWAY_ID', kind: 'string', usedBy: ['gateway', 'csms'], description: 'Name of this gateway instance. Default: host name and pid.' },
  {
    name: 'COMMAND_TIMEOUT_MS',
    kind: 'int',
    default: '30000',
    min: 100,
    max: 600000,
    usedBy: ['gateway', 'csms'],
    description: 'How long a command waits for the charger.',
  },
  {
    name: 'PING_INTERVAL_MS',
    kind: 'int',
    default: '60000',
    min: 100,
    max: 3600000,
    usedBy: ['gateway', 'csms'],
    description: 'WebSocket ping interval; a charger missing two pongs is disconnected.',
  },
  {
    name: 'BAD_FRAMES_PER_MINUTE',
    kind: 'int',
    default: '20',
    min: 1,
    max: 100000,
    usedBy: ['gateway', 'csms'],
    description: 'Bad frames a socket may send per minute before it is closed (1002).',
  },
  {
    name: 'MAX_SEND_BUFFER_BYTES',
    kind: 'int',
    default: '1048576',
    min: 1024,
    max: 1073741824,
    usedBy: ['gateway', 'csms'],
    description: 'Unsent bytes a slow charger may hold before its socket is closed.',
  },
  {
    name: 'MAX_FRAME_BYTES',
    kind: 'int',
    default: '1048576',
    min: 1024,
    max: 67108864,
    usedBy: ['gateway', 'csms'],
    description: 'Largest WebSocket frame accepted from a charger.',
  },
  {
    name: 'HEARTBEAT_INTERVAL_S',
    kind: 'int',
    default: '300',
    min: 0,
    max: 4233600,
    usedBy: ['config-manager', 'csms'],
    description: 'BootNotification interval given to chargers.',
  },
  {
    name: 'CONCURRENT_TX',
    kind: 'bool',
    default: 'false',
    usedBy: ['auth', 'csms'],
    description: 'Answer ConcurrentTx to a StartTransaction whose idTag already has an active transaction.',
  },
  // Failed-login slow-down at the upgrade and provisional chargers
  // (docs/reference/design-decisions.md#connect-throttling; libs/auth/README.md).
  {
    name: 'THROTTLE_PAIR_FAILURES',
    kind: 'int',
    default: '5',
    min: 1,
    max: 1000000,
    usedBy: ['auth', 'csms'],
    description: 'Failed logins of one charger from one address (per window) before that pair is slowed down.',
  },
  {
    name: 'THROTTLE_CHARGER_FAILURES',
    kind: 'int',
    default: '20',
    min: 1,
    max: 1000000,
    usedBy: ['auth', 'csms'],
    description: 'Failed logins of one charger from all addresses before the addresses that failed for it are slowed down.',
  },
  {
    name: 'THROTTLE_ADDRESS_IDENTITIES',
    kind: 'int',
    default: '20',
    min: 2,
    max: 1000000,
    usedBy: ['auth', 'csms'],
    description:
      'Distinct charger identities failing from one address (spraying) before the address is slowed down for identities that never logged in from it.',
  },
  {
    name: 'THROTTLE_WINDOW_S',
    kind: 'int',
    default: '600',
    min: 1,
    max: 86400,
    usedBy: ['auth', 'csms'],
    description: 'Window over which failed logins are counted.',
  },
  {
    name: 'THROTTLE_FIRST_BACKOFF_S',
    kind: 'int',
    default: '1',
    min: 1,
    max: 3600,
    usedBy: ['auth', 'csms'],
    description: 'First slow-down once a limit is reached; it doubles with each further failure.',
  },
  { name: 'THROTTLE_MAX_BACKOFF_S', kind: 'int', default: '900', min: 1, max: 86400, usedBy: ['auth', 'csms'], description: 'Longest slow-down.' },
  {
    name: 'PROVISIONAL_CHARGER_TTL_S',
    kind: 'int',
    default: '3600',
    min: 1,
    max: 31536000,
    usedBy: ['auth', 'config-manager', 'csms'],
    description:
      'A charger registered by UNKNOWN_CHARGERS that sends no BootNotification within this time is removed (config-manager: this long after it disconnected).',
  },
  {
    name: 'METER_VALUES_RETENTION_DAYS',
    kind: 'int',
    default: '0',
    min: 0,
    max: 36500,
    usedBy: ['metering', 'csms'],
    description: 'Meter values older than this many days are deleted (hourly, in chunks). 0 keeps them forever.',
  },
  // HTTP API connection timeouts (docs/reference/design-decisions.md#idle-api-connections;
  // libs/runtime/src/http-timeouts.ts). An event stream is a long response: none of these cut it.
  {
    name: 'API_KEEP_ALIVE_TIMEOUT_MS',
    kind: 'int',
    default: '5000',
    min: 100,
    max: 600000,
    usedBy: ['all'],
    description: 'An HTTP connection idle this long after a response is closed.',
  },
  {
    name: 'API_HEADERS_TIMEOUT_MS',
    kind: 'int',
    default: '15000',
    min: 100,
    max: 600000,
    usedBy: ['all'],
    description: 'Time to receive request headers; also the longest a new HTTP connection may stay silent.',
  },
  {
    name: 'API_REQUEST_TIMEOUT_MS',
    kind: 'int',
    default: '60000',
    min: 100,
    max: 3600000,
    usedBy: ['all'],
    description: 'Time to receive a whole HTTP request (headers and body); not the response.',
  },
  // Live events for dashboards, GET /api/v1/events (docs/api-events.md).
  {
    name: 'EVENTS_HEARTBEAT_S',
    kind: 'int',
    default: '15',
    min: 1,
    max: 3600,
    usedBy: ['gateway', 'csms'],
    description: 'Seconds between heartbeat comments on an idle event stream (keeps proxies from closing it).',
  },
  {
    name: 'EVENTS_CLIENT_BUFFER_BYTES',
    kind: 'int',
    default: '1048576',
    min: 4096,
    max: 268435456,
    usedBy: ['gateway', 'csms'],
    description: 'Unsent bytes an event-stream client may hold before it is cut off (it resumes with Last-Event-ID).',
  },
  {
    name: 'EVENTS_CLIENT_STALL_S',
    kind: 'int',
    default: '30',
    min: 1,
    max: 3600,
    usedBy: ['gateway', 'csms'],
    description: 'How long an event-stream client catching up may leave its socket full before it is cut off.',
  },
  {
    name: 'EVENTS_POWER_INTERVAL_MS',
    kind: 'int',
    default: '1000',
    min: 0,
    max: 3600000,
    usedBy: ['gateway', 'csms'],
    description: 'At most one power event per connector in this interval (the latest reading wins); 0: every reading.',
  },
  {
    name: 'DRAIN_WINDOW_MS',
    kind: 'int',
    default: '10000',
    min: 0,
    max: 600000,
    usedBy: ['gateway', 'csms'],
    description: 'On SIGTERM, charger sockets are closed (1012) spread over this window.',
  },
  // Diagnostics and log uploads to the CSMS itself (docs/diagnostics.md).
  {
    name: 'UPLOAD_BASE_URL',
    kind: 'url',
    usedBy: ['gateway', 'csms'],
    description:
      'Public base URL chargers upload diagnostics to (http(s)://host:port, the API port or a proxy in front of it); the one-time /ocpp-uploads/<token>/ path is appended. Unset: http://localhost:API_PORT (all-in-one on one machine only).',
  },
  {
    name: 'DIAGNOSTICS_MAX_BYTES',
    kind: 'int',
    default: '52428800',
    min: 1024,
    max: 1073741824,
    usedBy: ['gateway', 'csms'],
    description: 'Largest diagnostics or log file a charger may upload; a larger one is refused with 413.',
  },
  // Poison messages and stream replicas (docs/reference/design-decisions.md#poison-messages,
  // docs/reference/design-decisions.md#stream-replicas; docs/deploy.md#36-when-a-message-cannot-be-processed).
  {
    name: 'BUS_MAX_DELIVERIES',
    kind: 'int',
    default: '5',
    min: 1,
    max: 1000,
    usedBy: ['all'],
    description: 'Deliveries a message may fail alone (while others go through) before a consumer dead-letters it.',
  },
  {
    name: 'NATS_STREAM_REPLICAS',
    kind: 'int',
    default: '1',
    min: 1,
    max: 5,
    usedBy: ['all'],
    description: "Replicas of the JetStream streams when created; a start never lowers an existing stream's replicas.",
  },
  // Operator API access (docs/api-auth.md): who may call /api/v1, and from where.
  {
    name: 'API_AUTH',
    kind: 'enum',
    values: ['loopback-trusted', 'token'],
    usedBy: ['gateway', 'csms'],
    description:
      'loopback-trusted: a request without a token from 127.0.0.1/::1 acts as admin; token: every /api/v1 request needs a token. Unset: loopback-trusted, refused in production (NODE_ENV=production).',
  },
  {
    name: 'AUTH_CREDENTIAL_SECRET',
    kind: 'string',
    secret: true,
    usedBy: ['auth', 'csms'],
    description:
      'Server secret(s) of the keyed hashes of CSMS-generated charger passwords and AuthorizationKeys, comma-separated, each at least 32 characters (e.g. openssl rand -base64 48): the first hashes, the rest still verify. Unset: one is generated and kept in the database (docs/api-auth.md).',
  },
  {
    name: 'API_ADMIN_TOKEN',
    kind: 'string',
    secret: true,
    usedBy: ['gateway', 'auth', 'csms'],
    description:
      'An admin API token (at least 32 characters). Unset: the service holding the token table generates one at first start, logs it once and writes it to DATA_DIR/admin-token.',
  },
  {
    name: 'OIDC_ISSUER',
    kind: 'url',
    usedBy: ['gateway', 'csms'],
    description: 'OpenID Connect issuer whose access tokens the API accepts (JWKS from its discovery document).',
  },
  {
    name: 'OIDC_AUDIENCE',
    kind: 'string',
    usedBy: ['gateway', 'csms'],
    description: 'Audience (aud) an OIDC access token must carry. Required with OIDC_ISSUER.',
  },
  {
    name: 'OIDC_ROLE_CLAIM',
    kind: 'string',
    default: 'csms_role',
    usedBy: ['gateway', 'csms'],
    description: 'Claim holding the role (viewer, operator, admin; an array: the highest counts). Dots reach into objects (realm_access.roles).',
  },
  {
    name: 'API_CORS_ORIGINS',
    kind: 'string',
    usedBy: ['gateway', 'csms'],
    description: 'Browser origins allowed to call the API cross-origin, comma-separated (https://ops.example.com). Unset: no CORS.',
  },
];

export type EnvName = (typeof ENV_SPEC)[number]['name'];
