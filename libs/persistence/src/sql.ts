import { QueryFailedError, type DataSource, type QueryRunner } from 'typeorm';

/**
 * The one way services speak SQL (see libs/persistence/README.md: no entity classes, plain SQL and one row
 * type per table). Parameters are positional (`$1`, `$2`, ...).
 */
export interface Sql {
  /** The rows of a statement: a SELECT, or an INSERT/UPDATE/DELETE ... RETURNING. */
  query<T>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** The number of rows an INSERT, UPDATE or DELETE touched (ON CONFLICT DO NOTHING skips are not counted). */
  execute(sql: string, params?: readonly unknown[]): Promise<number>;
  /**
   * Runs fn in one transaction: committed when it resolves, rolled back when it throws. Called on the `tx`
   * of a running transaction, fn joins that transaction.
   */
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T>;
}

/** What both drivers' connections answer: node-postgres `{ rows, rowCount }`, PGlite `{ rows, affectedRows }`. */
interface RawResult {
  rows?: unknown[];
  rowCount?: number | null;
  affectedRows?: number;
}

interface Connection {
  query(sql: string, params?: unknown[]): Promise<RawResult | RawResult[]>;
}

/**
 * One statement on the runner's connection. The connection is asked directly, not through
 * `QueryRunner.query`: TypeORM answers UPDATE/DELETE with `[rows, affected]` on node-postgres and the rows
 * alone on PGlite, whose affected-row count it drops. Errors stay TypeORM's QueryFailedError (with the
 * driver's `code`, `constraint`, ...), as `DataSource.query` throws them.
 */
async function run(runner: QueryRunner, sql: string, params: readonly unknown[]): Promise<{ rows: unknown[]; affected: number }> {
  // TypeORM types the connection as `any`; both drivers' connections have this query().
  const connection = (await runner.connect()) as Connection;
  let raw: RawResult | RawResult[];
  try {
    raw = await connection.query(sql, [...params]);
  } catch (err) {
    throw new QueryFailedError(sql, [...params], err as Error);
  }
  // node-postgres answers a multi-statement string with one result per statement; the last one counts.
  const last = Array.isArray(raw) ? (raw[raw.length - 1] ?? {}) : raw;
  const rows = Array.isArray(last.rows) ? last.rows : [];
  const affected = typeof last.rowCount === 'number' ? last.rowCount : typeof last.affectedRows === 'number' ? last.affectedRows : 0;
  return { rows, affected };
}

function onRunner(runner: QueryRunner): Sql {
  const self: Sql = {
    query: async <T>(sql: string, params: readonly unknown[] = []) => (await run(runner, sql, params)).rows as T[],
    execute: async (sql, params = []) => (await run(runner, sql, params)).affected,
    transaction: (fn) => fn(self),
  };
  return self;
}

/** Statements outside a transaction: each borrows a connection for itself, as `DataSource.query` does. */
function onDataSource(db: DataSource): Sql {
  const borrowing = async <T>(fn: (runner: QueryRunner) => Promise<T>): Promise<T> => {
    const runner = db.createQueryRunner();
    try {
      return await fn(runner);
    } finally {
      await runner.release();
    }
  };
  return {
    query: <T>(sql: string, params: readonly unknown[] = []) => borrowing(async (r) => (await run(r, sql, params)).rows as T[]),
    execute: (sql, params = []) => borrowing(async (r) => (await run(r, sql, params)).affected),
    transaction: (fn) =>
      borrowing(async (runner) => {
        await runner.connect();
        await runner.startTransaction();
        try {
          const out = await fn(onRunner(runner));
          await runner.commitTransaction();
          return out;
        } catch (err) {
          await runner.rollbackTransaction().catch(() => undefined);
          throw err;
        }
      }),
  };
}

/** SQL over the process's DataSource. */
export function sqlOf(db: DataSource): Sql {
  return onDataSource(db);
}

/** `($1,$2,..),($n,..)` placeholders for a multi-row VALUES list, with optional per-column casts. */
export function valuesList(rowCount: number, casts: readonly string[]): string {
  const width = casts.length;
  const out: string[] = [];
  for (let r = 0; r < rowCount; r++) {
    out.push(`(${casts.map((c, i) => `$${r * width + i + 1}${c ? `::${c}` : ''}`).join(',')})`);
  }
  return out.join(',');
}
