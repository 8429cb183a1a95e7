import 'reflect-metadata';
import { resolve } from 'node:path';
import { Logger, Module, type DynamicModule, type INestApplication, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { DataSource, MixedList } from 'typeorm';
import { BusModule, BusTransport, createBus, type Bus } from '#csms/bus';
import { checkApiAccessForProduction, loadAppConfig, type AppConfig } from '#csms/config';
import {
  ApiExceptionFilter,
  HealthModule,
  apiAccess,
  requestTracing,
  apiValidationPipe,
  consumerReadiness,
  registerBusMetrics,
  type ReadinessCheck,
} from '#csms/http';
import { startTracing } from '#csms/tracing';
import { PersistenceModule, databaseAnswers, describeDatabase, openDataSource } from '#csms/persistence';
import { createAppLogger } from './app-logger.js';
import { applyHttpTimeouts } from './http-timeouts.js';
import { waitFor } from './wait-for.js';

export type ServiceName = 'gateway' | 'auth' | 'config-manager' | 'metering' | 'csms';

export interface ServiceDefinition {
  name: ServiceName;
  /** The Nest modules this process runs, built from the validated configuration. */
  modules: (config: AppConfig) => Array<Type | DynamicModule>;
  // TypeORM's own option type (migration classes; there are no entity classes: libs/persistence/README.md).
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function | string>;
  needsDatabase: boolean;
  /** Only the all-in-one process may run without NATS (docs/reference/design-decisions.md#all-in-one-without-nats). */
  allowInProcessBus: boolean;
  /** Serve the OpenAPI document at /api/docs (the process that serves the operator API). */
  openApi: boolean;
  /** Readiness checks of this process beyond the bus and the database (a gateway: auth reachable). */
  readiness?: (bus: Bus) => ReadinessCheck[];
}

export interface RunningService {
  app: INestApplication;
  config: AppConfig;
  bus: Bus;
  dataSource?: DataSource;
  apiPort: number;
  close(): Promise<void>;
}

/**
 * The one bootstrap of every process: validated config, the bus, the database (migrated), one Nest
 * application serving HTTP (API, health, metrics) with the bus transport attached for message handlers.
 */
export async function runService(
  def: ServiceDefinition,
  env: NodeJS.ProcessEnv = process.env,
  argv: string[] = process.argv,
): Promise<RunningService | undefined> {
  const config = loadAppConfig(env);
  const logger = createAppLogger(config, def.name);
  Logger.overrideLogger(logger);
  const log = new Logger(def.name);
  // Before the bus and the HTTP server exist: every hop and request they handle runs in a trace context.
  const tracing = await startTracing({ otlpEndpoint: config.tracing.otlpEndpoint, serviceName: config.tracing.serviceName ?? def.name });
  if (tracing.exporting) log.log(`traces exported to ${new URL(config.tracing.otlpEndpoint ?? '').origin} as ${config.tracing.serviceName ?? def.name}`);
  if (!config.natsUrl && !def.allowInProcessBus) {
    throw new Error(`NATS_URL is required for the ${def.name} service (only the all-in-one csms runs without NATS)`);
  }
  // The processes that serve the operator API (openApi) refuse to serve it unauthenticated in production.
  if (def.openApi) checkApiAccessForProduction(config.apiAccess);
  if (!config.databaseUrl && def.needsDatabase && def.name !== 'csms') {
    throw new Error(`DATABASE_URL is required for the ${def.name} service (only the all-in-one csms uses the embedded database)`);
  }

  let dataSource: DataSource | undefined;
  if (def.needsDatabase) {
    const where = describeDatabase(config);
    dataSource = await waitFor(
      `database ${where}`,
      () => openDataSource({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, migrations: def.migrations }),
      { log },
    );
    log.log(`database ${where} ready, migrations applied`);
  }
  if (argv.includes('--migrate-only')) {
    await dataSource?.destroy();
    await tracing.shutdown();
    log.log('migrations applied; exiting (--migrate-only)');
    return undefined;
  }

  const bus = await waitFor(
    config.natsUrl ? `NATS at ${config.natsUrl}` : 'in-process bus',
    () =>
      createBus({
        natsUrl: config.natsUrl,
        natsClient: config.natsClient,
        name: `${def.name}-${config.gatewayId}`,
        journalDir: config.natsUrl ? undefined : resolve(config.dataDir, 'journal'),
        maxDeliveries: config.bus.maxDeliveries,
        streamReplicas: config.bus.streamReplicas,
      }),
    { log },
  );
  log.log(`bus: ${bus.kind}`);

  registerBusMetrics(bus);
  const checks: ReadinessCheck[] = [
    { name: 'bus', check: () => bus.healthy() },
    // a consumer that processes nothing while messages wait: this service is not doing its job
    {
      name: 'consumers',
      check: async () => {
        const { stalled } = await consumerReadiness(bus);
        return stalled.length === 0 ? true : { ready: false, reason: stalled.join('; ') };
      },
    },
    // dead letters wait for an operator; restarting or unrouting the pod would not help (docs/deploy.md)
    {
      name: 'deadLetters',
      degradesOnly: true,
      check: async () => {
        const { deadLetters } = await consumerReadiness(bus);
        return deadLetters === 0 ? true : { ready: false, reason: `${deadLetters} dead letter(s): GET /api/v1/dead-letters` };
      },
    },
  ];
  if (dataSource) {
    const ds = dataSource;
    checks.push({ name: 'database', check: () => databaseAnswers(ds) });
  }
  checks.push(...(def.readiness?.(bus) ?? []));

  // Authentication and roles on /api/v1 (docs/api-auth.md), in the processes that serve it.
  const access = def.openApi ? apiAccess(config.apiAccess, bus) : undefined;

  @Module({
    imports: [
      ...(access ? [access.module] : []),
      BusModule.forRoot(bus),
      ...(dataSource ? [PersistenceModule.forDataSource(dataSource)] : []),
      HealthModule.forChecks(checks, def.name),
      ...def.modules(config),
    ],
  })
  class RootModule {}

  const app = await NestFactory.create(RootModule, { logger, bufferLogs: false });
  app.useGlobalPipes(apiValidationPipe());
  app.useGlobalFilters(new ApiExceptionFilter());
  // Before init registers the routes, so CORS answers preflights and the audit trail sees every answer.
  // First: CORS, the audit trail and everything after run in the request's trace.
  app.use(requestTracing());
  for (const middleware of access?.middlewares ?? []) app.use(middleware);
  if (def.openApi) {
    const document = SwaggerModule.createDocument(
      app,
      new DocumentBuilder()
        .setTitle('Zaptec-aware OCPP 1.6J CSMS')
        .setVersion('1')
        .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'API token or OIDC access token (docs/api-auth.md)' })
        .build(),
    );
    SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs/openapi.json' });
    // The same document where Nest users look first (@nestjs/swagger's default `<path>-json`).
    const http = app.getHttpAdapter();
    http.get('/api/docs-json', (_req: unknown, res: unknown) => http.reply(res, document, 200));
  }
  app.connectMicroservice({ strategy: new BusTransport(bus, def.name) }, { inheritAppConfig: true });
  await app.startAllMicroservices();
  applyHttpTimeouts(app.getHttpServer(), config.httpTimeouts);
  await app.listen(config.apiPort);
  const address = app.getHttpServer().address();
  const apiPort = typeof address === 'object' && address ? address.port : config.apiPort;
  log.log(`HTTP on :${apiPort} (health, metrics${def.openApi ? ', API, /api/docs' : ''})`);

  let closing: Promise<void> | undefined;
  const close = (signal?: string): Promise<void> =>
    (closing ??= (async () => {
      // Nest 12 passes the signal to beforeApplicationShutdown hooks (the gateway drains only on a real
      // termination); its typings do not show the parameter yet.
      await (app as unknown as { close(signal?: string): Promise<void> }).close(signal);
      await bus.close();
      await dataSource?.destroy();
      // last: the spans of the shutdown itself go out too
      await tracing.shutdown();
    })());
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      log.log(`${signal}: shutting down`);
      close(signal).then(
        () => process.exit(0),
        (err: unknown) => {
          log.error(`shutdown failed: ${String(err)}`);
          process.exit(1);
        },
      );
    });
  }
  return { app, config, bus, dataSource, apiPort, close };
}

/** main.ts of every app: run, and turn a start-up failure into one clear line and exit code 1. */
export function main(def: ServiceDefinition): void {
  process.on('unhandledRejection', (reason) => {
    new Logger('process').error(`unhandled rejection: ${reason instanceof Error ? reason.stack : String(reason)}`);
  });
  runService(def).then(
    (running) => {
      if (!running) process.exit(0);
    },
    (err: unknown) => {
      console.error(`${def.name} failed to start: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}
