/** Test support only: never imported by production code. */
export { startNatsServer, natsServerBinary } from './nats-server.js';
export { freePort } from './free-port.js';
export type { NatsServerHandle } from './nats-server.js';
export { startNatsCluster, type NatsClusterHandle, type NatsClusterNode } from './nats-cluster.js';
export { createTestDatabase, openTwoReplicaDatabases, twoReplicaDatabasesForSuite, postgresAnswers, TEST_PG_ADMIN_URL } from './database.js';
export { infraStatus, infraStatusSync, describeInfra } from './infra.js';
export type { InfraStatus } from './infra.js';
export { waitFor } from './wait-for.js';
export { openEmbeddedTestDatabase, tableEmptier, type EmbeddedTestDatabase } from './embedded-database.js';
export { seedMigrated } from './migrated-template.js';
export { startServiceHarness, type ServiceHarness } from './service-harness.js';
export { startPostgresInstance, postgresBinDir, type PostgresInstance } from './postgres-instance.js';
export { startLocalOidcIssuer, type LocalOidcIssuer } from './oidc-issuer.js';
export { recordSpans, type SpanRecorder, type RecordedSpan } from './span-recorder.js';
export { repoRootOf, templateOnce } from './template-dir.js';
