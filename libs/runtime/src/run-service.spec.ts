import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runService, type RunningService, type ServiceDefinition } from './run-service.js';

/** A process definition with no modules of its own: what runService itself does, nothing else. */
const def = (overrides: Partial<ServiceDefinition> = {}): ServiceDefinition => ({
  name: 'csms',
  modules: () => [],
  migrations: [],
  needsDatabase: false,
  allowInProcessBus: true,
  openApi: false,
  ...overrides,
});

let dataDir: string;
let running: RunningService | undefined;
const signalListeners = { SIGTERM: process.listeners('SIGTERM'), SIGINT: process.listeners('SIGINT') };

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'csms-run-service-'));
});
afterEach(async () => {
  await running?.close();
  running = undefined;
  // runService installs its signal handlers on the process: leave the test process as it was.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    for (const l of process.listeners(signal)) if (!signalListeners[signal].includes(l)) process.removeListener(signal, l);
  }
  rmSync(dataDir, { recursive: true, force: true });
});

/** The start-up refusal, or '' when it started. */
async function refusal(definition: ServiceDefinition, env: NodeJS.ProcessEnv): Promise<{ message: string; code?: string; variable?: string }> {
  try {
    running = await runService(definition, { LOG_LEVEL: 'error', DATA_DIR: dataDir, ...env }, []);
    return { message: '' };
  } catch (err) {
    const e = err as Error & { code?: string; variable?: string };
    return { message: e.message, code: e.code, variable: e.variable };
  }
}

describe('runService: start-up refusals, before anything is opened', () => {
  test.each([
    ['API_PORT', 'http', 'must be a port number 0-65535, got "http"'],
    ['LOG_LEVEL', 'loud', 'must be one of error, warn, info, debug, got "loud"'],
    ['PING_INTERVAL_MS', '5', 'must be between 100 and 3600000, got 5'],
    ['NATS_URL', 'not a url', 'must be a URL'],
  ])('a bad %s stops start-up with a message naming it', async (variable, value, rule) => {
    const r = await refusal(def({ needsDatabase: true }), { [variable]: value });
    expect(r).toEqual({ message: expect.stringContaining(`invalid environment variable ${variable}: ${rule}`), code: 'CONFIG_INVALID_ENV', variable });
    // Refused before the embedded database was opened.
    expect(existsSync(join(dataDir, 'pglite'))).toBe(false);
  });

  test('a split service without NATS_URL is refused; only the all-in-one may use the in-process bus', async () => {
    expect((await refusal(def({ name: 'gateway', allowInProcessBus: false }), {})).message).toBe(
      'NATS_URL is required for the gateway service (only the all-in-one csms runs without NATS)',
    );
  });

  test('a split service that needs a database without DATABASE_URL is refused; only the all-in-one embeds one', async () => {
    const r = await refusal(def({ name: 'auth', allowInProcessBus: false, needsDatabase: true }), { NATS_URL: 'nats://127.0.0.1:1' });
    expect(r.message).toBe('DATABASE_URL is required for the auth service (only the all-in-one csms uses the embedded database)');
  });

  test('the process serving the operator API refuses to serve it unauthenticated in production', async () => {
    const r = await refusal(def({ openApi: true }), { NODE_ENV: 'production' });
    expect(r).toMatchObject({ code: 'CONFIG_INVALID_ENV', variable: 'API_AUTH' });
    // A process without the operator API has nothing to protect: the same environment is fine there.
    expect((await refusal(def({ openApi: false }), { NODE_ENV: 'production', API_PORT: '0' })).message).toBe('');
  });
});

describe('runService: starting', () => {
  test('--migrate-only applies the migrations of the embedded database and returns nothing to run', async () => {
    await expect(
      runService(def({ needsDatabase: true }), { LOG_LEVEL: 'error', DATA_DIR: dataDir }, ['node', 'main.js', '--migrate-only']),
    ).resolves.toBeUndefined();
    expect(existsSync(join(dataDir, 'pglite'))).toBe(true);
    // Creating an embedded PGlite database takes seconds on a busy machine.
  }, 120_000);

  test('an all-in-one with no modules serves health on the port it got, its bus is the in-process one, and close stops it', async () => {
    expect((await refusal(def(), { API_PORT: '0' })).message).toBe('');
    const service = running as RunningService;
    expect(service.bus.kind).toBe('in-process');
    expect(service.apiPort).toBeGreaterThan(0);
    const live = await fetch(`http://127.0.0.1:${service.apiPort}/health/live`);
    expect(live.status).toBe(200);
    const ready = await fetch(`http://127.0.0.1:${service.apiPort}/health/ready`);
    expect(ready.status).toBe(200);
    await service.close();
    running = undefined;
    await expect(fetch(`http://127.0.0.1:${service.apiPort}/health/live`)).rejects.toThrow();
  });
});
