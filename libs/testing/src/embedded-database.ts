import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { openDataSource, type PersistenceOptions } from '#csms/persistence';
import { seedMigrated } from './migrated-template.js';

export interface EmbeddedTestDatabase {
  db: DataSource;
  /** Empties the given tables between tests, as TRUNCATE ... RESTART IDENTITY CASCADE would (tableEmptier). */
  reset(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Unit tests' real database: embedded PGlite on a temp dir with the service's real migrations (never
 * `synchronize`), so services are tested against real SQL, not mocks. The directory starts as a copy of
 * those migrations applied once (migrated-template.ts); openDataSource still checks that none is pending.
 */
export async function openEmbeddedTestDatabase(
  options: Pick<PersistenceOptions, 'migrations'> & { tables?: string[]; prefix?: string },
): Promise<EmbeddedTestDatabase> {
  const prefix = options.prefix ?? 'csms-unit-db-';
  const dir = mkdtempSync(join(tmpdir(), prefix));
  await seedMigrated(dir, options.migrations, prefix);
  const db = await openDataSource({ dataDir: dir, migrations: options.migrations });
  const empty = tableEmptier(db, options.tables ?? []);
  return {
    db,
    reset: empty,
    close: async () => {
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * What `TRUNCATE <tables> RESTART IDENTITY CASCADE` does, with DELETE: the tables, every table that references
 * them (recursively, as CASCADE), emptied with triggers and foreign-key checks off, and their sequences back at
 * their start. PGlite's TRUNCATE gives every table and index a new file: on the 2 cores `npm test` shares, 20 of
 * them over 21 tables took 5.2 s of CPU and 25 s of wall time, the same DELETEs 0.5 s and 0.8 s; the unit specs
 * reset before each test. The closure and the sequences are read once, at the first reset.
 */
export function tableEmptier(db: DataSource, tables: readonly string[]): () => Promise<void> {
  let statement: Promise<string> | undefined;
  const plan = async (): Promise<string> => {
    const missing = (await db.query(`SELECT name FROM unnest($1::text[]) AS name WHERE to_regclass(name) IS NULL`, [tables])) as { name: string }[];
    if (missing.length > 0) throw new Error(`tableEmptier: no table ${missing.map((m) => m.name).join(', ')}`);
    const closure = (await db.query(
      `WITH RECURSIVE t(rel) AS (
         SELECT to_regclass(name)::oid FROM unnest($1::text[]) AS name
         UNION
         SELECT c.conrelid FROM pg_constraint c JOIN t ON c.confrelid = t.rel WHERE c.contype = 'f'
       )
       SELECT rel::regclass::text AS name FROM t`,
      [tables],
    )) as { name: string }[];
    const sequences = (await db.query(
      `SELECT d.objid::regclass::text AS name, s.seqstart::text AS start
         FROM pg_depend d JOIN pg_sequence s ON s.seqrelid = d.objid
        WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
          AND d.refobjid = ANY (SELECT to_regclass(name)::oid FROM unnest($1::text[]) AS name)`,
      [closure.map((c) => c.name)],
    )) as { name: string; start: string }[];
    const quote = (s: string): string => `'${s.replace(/'/g, "''")}'`;
    return [
      'BEGIN',
      'SET LOCAL session_replication_role = replica',
      ...closure.map((c) => `DELETE FROM ${c.name}`),
      ...sequences.map((s) => `SELECT setval(${quote(s.name)}, ${s.start}, false)`),
      'COMMIT',
    ].join('; ');
  };
  return async () => {
    if (tables.length === 0) return;
    statement ??= plan();
    const sql = await statement;
    try {
      await db.query(sql);
    } catch (err) {
      // A failed statement leaves the explicit transaction open and aborted: end it, so the next test's error is its own.
      await db.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
  };
}
