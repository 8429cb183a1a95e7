/** A fresh PostgreSQL database per test run, dropped afterwards. */
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import { openDataSource, type PersistenceOptions } from '#csms/persistence';

/** Where tests create their databases: TEST_PG_ADMIN_URL, else the local trust-auth server. */
export const TEST_PG_ADMIN_URL = process.env.TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_PG_ADMIN_URL, connectionTimeoutMillis: 3_000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function createTestDatabase(): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const name = `csms_t_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  return {
    name,
    url: withDatabase(TEST_PG_ADMIN_URL, name),
    drop: async () => {
      await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

export async function postgresAnswers(): Promise<{ ok: boolean; reason?: string }> {
  try {
    await admin((c) => c.query('SELECT 1'));
    return { ok: true };
  } catch (err) {
    return {
      ok: false,
      reason: `PostgreSQL at ${TEST_PG_ADMIN_URL.replace(/\/\/[^@]*@/, '//')} does not answer: ${err instanceof Error ? err.message : String(err)}`,
    };
  }
}

/**
 * A fresh PostgreSQL database with a service's migrations, opened twice: two replicas of the service, for tests
 * of what several replicas do at once on one database (sequences, conditional claims).
 */
export async function openTwoReplicaDatabases(
  options: Pick<PersistenceOptions, 'migrations'>,
): Promise<{ a: DataSource; b: DataSource; close(): Promise<void> }> {
  const created = await createTestDatabase();
  // dataDir is only for PGlite; with a databaseUrl nothing is written there.
  const opened = { databaseUrl: created.url, dataDir: tmpdir(), migrations: options.migrations };
  const a = await openDataSource(opened);
  const b = await openDataSource(opened);
  return {
    a,
    b,
    close: async () => {
      await a.destroy();
      await b.destroy();
      await created.drop();
    },
  };
}

/**
 * openTwoReplicaDatabases for the enclosing describe: opened before its tests, closed and dropped after them. The
 * returned object's `a` and `b` are set once its beforeAll ran.
 */
export function twoReplicaDatabasesForSuite(options: Pick<PersistenceOptions, 'migrations'>): { a: DataSource; b: DataSource } {
  const replicas = {} as { a: DataSource; b: DataSource };
  let close: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const opened = await openTwoReplicaDatabases(options);
    replicas.a = opened.a;
    replicas.b = opened.b;
    close = opened.close;
  }, 60_000);
  afterAll(() => close?.());
  return replicas;
}
