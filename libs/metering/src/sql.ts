import type { DataSource, QueryRunner } from 'typeorm';

/**
 * Raw SQL access. The metering writes need multi-row INSERT ... ON CONFLICT and row locks, which the
 * entity API does not express, so services speak SQL through this small interface.
 */
export interface Sql {
  rows<T>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Like rows, plus the affected-row count (UPDATE/DELETE/INSERT). */
  exec<T = unknown>(sql: string, params?: unknown[]): Promise<{ rows: T[]; affected: number }>;
}

function sqlOfRunner(runner: QueryRunner): Sql {
  const exec = async <T>(sql: string, params: unknown[] = []): Promise<{ rows: T[]; affected: number }> => {
    // Structured result: TypeORM otherwise returns [rows, count] for UPDATE/DELETE and rows for the rest.
    const r = await runner.query(sql, params, true);
    const rows = Array.isArray(r.records) ? (r.records as T[]) : [];
    return { rows, affected: typeof r.affected === 'number' ? r.affected : rows.length };
  };
  return { exec, rows: async <T>(sql: string, params?: unknown[]) => (await exec<T>(sql, params)).rows };
}

/** Runs fn in one database transaction: committed when it resolves, rolled back when it throws. */
export async function inTransaction<T>(db: DataSource, fn: (q: Sql) => Promise<T>): Promise<T> {
  const runner = db.createQueryRunner();
  await runner.connect();
  try {
    await runner.startTransaction();
    try {
      const out = await fn(sqlOfRunner(runner));
      await runner.commitTransaction();
      return out;
    } catch (err) {
      await runner.rollbackTransaction().catch(() => undefined);
      throw err;
    }
  } finally {
    await runner.release();
  }
}

/** Statements outside an explicit transaction (reads, single upserts). */
export async function withSql<T>(db: DataSource, fn: (q: Sql) => Promise<T>): Promise<T> {
  const runner = db.createQueryRunner();
  await runner.connect();
  try {
    return await fn(sqlOfRunner(runner));
  } finally {
    await runner.release();
  }
}

/** `($1,$2,..),($n,..)` placeholders for a multi-row VALUES list, with optional per-column casts. */
export function valuesList(rowCount: number, casts: string[]): string {
  const width = casts.length;
  const out: string[] = [];
  for (let r = 0; r < rowCount; r++) {
    out.push(`(${casts.map((c, i) => `$${r * width + i + 1}${c ? `::${c}` : ''}`).join(',')})`);
  }
  return out.join(',');
}

/** bigint / numeric columns arrive as strings from pg: convert, keeping null. */
export const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
export const iso = (v: unknown): string | null => (v === null || v === undefined ? null : new Date(v as string | Date).toISOString());
