import type { Sql } from './sql.js';

/**
 * Runs `fn`'s reads in one snapshot: a read-only REPEATABLE READ transaction. Under READ COMMITTED, the default,
 * each statement sees the rows committed when it starts, so a page of rows and the total counted beside it could
 * disagree while rows are written (a list naming two commands with a total of one). PGlite has one session, which
 * the transaction holds until it ends (embedded-pool.ts), so there too nothing lands between the two reads.
 * Not for use inside another transaction: SET TRANSACTION must be its first statement.
 */
export function inOneSnapshot<T>(sql: Sql, fn: (tx: Sql) => Promise<T>): Promise<T> {
  return sql.transaction(async (tx) => {
    await tx.execute('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY');
    return fn(tx);
  });
}
