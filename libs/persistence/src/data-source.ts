import { DataSource, type MixedList } from 'typeorm';
import { embeddedDriver } from './embedded/embedded-pool.js';
import { openEmbedded, embeddedDirOf } from './embedded/early-open.js';
import type { EmbeddedWorker } from './embedded/embedded-worker.js';
import { watchPool } from './pool-metrics.js';

export interface PersistenceOptions {
  /** PostgreSQL URL; absent: embedded PGlite under dataDir. */
  databaseUrl?: string;
  dataDir: string;
  // TypeORM's own option type: migration classes. There are no entity classes (libs/persistence/README.md).
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function | string>;
  /** Pool size for PostgreSQL. */
  poolSize?: number;
}

/** Serialises concurrent migration runs of several replicas (PostgreSQL advisory lock key). */
const MIGRATION_LOCK_KEY = 727_016_001;

export function describeDatabase(options: Pick<PersistenceOptions, 'databaseUrl' | 'dataDir'>): string {
  if (!options.databaseUrl) return `pglite:${embeddedDirOf(options.dataDir)}`;
  const u = new URL(options.databaseUrl);
  return `postgres://${u.hostname}:${u.port || 5432}${u.pathname}`;
}

/**
 * Opens the database and brings its schema up to date with real migrations (never `synchronize`).
 * PostgreSQL: a pool, migrations under an advisory lock so replicas starting together do not race.
 * PGlite: one embedded instance on disk under DATA_DIR/pglite, in a worker thread of its own.
 */
export async function openDataSource(options: PersistenceOptions): Promise<DataSource> {
  const common = {
    type: 'postgres' as const,
    // No entity classes: tables are described by their migrations and each store's row type, and checked
    // against each other by apps/csms/src/schema.spec.ts and schema.infra.ts (libs/persistence/README.md).
    entities: [],
    migrations: options.migrations,
    // One table for every service: each process runs the pending migrations it knows (its own, or all
    // of them in the all-in-one process), so the deployment mode can change over the same database.
    migrationsTableName: 'csms_migrations',
    // Never let TypeORM shape the schema: with no entities it would drop every table.
    synchronize: false,
    logging: false as const,
  };
  let dataSource: DataSource;
  let worker: EmbeddedWorker | undefined;
  if (options.databaseUrl) {
    dataSource = new DataSource({ ...common, url: options.databaseUrl, extra: { max: options.poolSize ?? 10 } });
  } else {
    // In a worker thread: PGlite computes on the thread it runs on (docs/benchmarks.md#embedded-database-off-the-event-loop).
    worker = await openEmbedded(options.dataDir);
    dataSource = new DataSource({ ...common, driver: embeddedDriver(worker) });
  }
  try {
    await dataSource.initialize();
  } catch (err) {
    await worker?.close();
    throw err;
  }
  watchPool(dataSource);
  try {
    await runMigrationsLocked(dataSource, Boolean(options.databaseUrl));
  } catch (err) {
    await dataSource.destroy().catch(() => undefined);
    throw err;
  }
  return dataSource;
}

async function runMigrationsLocked(dataSource: DataSource, useLock: boolean): Promise<void> {
  if (!useLock) {
    await dataSource.runMigrations({ transaction: 'each' });
    return;
  }
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await runner.release();
  }
}

/** True when a trivial query answers: the readiness probe's database check. */
export async function databaseAnswers(dataSource: DataSource): Promise<boolean> {
  try {
    await dataSource.query('SELECT 1');
    return true;
  } catch {
    return false;
  }
}
