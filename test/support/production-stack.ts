/**
 * The production shape for infrastructure tests: our own nats-server with JetStream, a fresh PostgreSQL
 * database, auth, config-manager and metering as separate processes, and one or more gateways.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll } from '@jest/globals';
import { createTestDatabase, startNatsServer, type NatsServerHandle } from '#csms/testing';
import { startService, type ServiceProcess } from './processes.js';

export interface ProductionStack {
  nats: NatsServerHandle;
  db: { url: string; drop(): Promise<void> };
  /** NATS_URL, DATABASE_URL, UNKNOWN_CHARGERS, API_AUTH=token, API_ADMIN_TOKEN and `common`: what every process of the stack was given. */
  env: Record<string, string>;
  gateways: ServiceProcess[];
  /** The three services; `restart` replaces one (a test that stops auth, then brings it back). */
  services: Record<StackService, ServiceProcess>;
  restart(app: StackService): Promise<ServiceProcess>;
  stop(): Promise<void>;
}

export type StackService = 'auth' | 'config-manager' | 'metering';

/** `natsConfig`: nats-server configuration text (an authorization block); its credentials go in `common`. */
export async function startProductionStack(
  gateways: Array<Record<string, string>> = [{}],
  common: Record<string, string> = {},
  natsConfig?: string,
): Promise<ProductionStack> {
  const nats = await startNatsServer({ jetstream: true, ...(natsConfig !== undefined ? { config: natsConfig } : {}) });
  const db = await createTestDatabase();
  // As production runs it (k8s overlay): every API request needs a token; apiClient sends this one.
  const env = {
    NATS_URL: nats.url,
    DATABASE_URL: db.url,
    UNKNOWN_CHARGERS: 'accept',
    API_AUTH: 'token',
    API_ADMIN_TOKEN: `csms_stack_${randomBytes(24).toString('base64url')}`,
    ...common,
  };
  // All at once, as a Deployment's pods start: migrations serialise under their advisory lock
  // (libs/persistence/src/data-source.ts), and a gateway is ready only once auth answers (auth-readiness.ts).
  const apps = ['auth', 'config-manager', 'metering'] as const;
  const started = await Promise.allSettled([
    ...apps.map((app) => startService({ app, env })),
    ...gateways.map((extra, i) => startService({ app: 'gateway', env: { ...env, GATEWAY_ID: `gw-${i + 1}`, ...extra } })),
  ]);
  const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await Promise.all(started.map((r) => (r.status === 'fulfilled' ? r.value.stop() : undefined)));
    await nats.stop();
    await db.drop();
    throw failed.reason;
  }
  const running = started.map((r) => (r as PromiseFulfilledResult<ServiceProcess>).value);
  const services = Object.fromEntries(apps.map((app, i) => [app, running[i]!])) as Record<StackService, ServiceProcess>;
  const gws = running.slice(apps.length);
  return {
    nats,
    db,
    env,
    gateways: gws,
    services,
    restart: async (app) => {
      await services[app].stop();
      services[app] = await startService({ app, env });
      return services[app];
    },
    stop: async () => {
      for (const p of [...gws.reverse(), services.metering, services['config-manager'], services.auth]) await p.stop().catch(() => undefined);
      await nats.stop();
      await db.drop();
    },
  };
}

/**
 * The stack with gateways gw-a and gw-b, started before the enclosing describe block's tests and stopped after
 * them. Its fields are read inside tests (they exist once beforeAll has run).
 */
export function twoGatewayStack(): { readonly stack: ProductionStack; readonly gwA: ServiceProcess; readonly gwB: ServiceProcess } {
  let started: ProductionStack | undefined;
  beforeAll(async () => {
    started = await startProductionStack([{ GATEWAY_ID: 'gw-a' }, { GATEWAY_ID: 'gw-b' }]);
  });
  afterAll(async () => {
    await started?.stop();
  });
  const up = (): ProductionStack => {
    if (!started) throw new Error('the two-gateway stack is not started: read it inside a test');
    return started;
  };
  return {
    get stack() {
      return up();
    },
    get gwA() {
      return up().gateways[0];
    },
    get gwB() {
      return up().gateways[1];
    },
  };
}
