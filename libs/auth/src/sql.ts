import type { DataSource, EntityManager } from 'typeorm';

/**
 * Rows of a query. TypeORM's postgres driver answers UPDATE and DELETE with `[rows, affectedCount]`
 * and everything else with the rows; this hides the difference so RETURNING reads the same everywhere.
 */
export async function queryRows<T = Record<string, unknown>>(db: DataSource | EntityManager, sql: string, params: unknown[] = []): Promise<T[]> {
  const raw: unknown = await db.query(sql, params);
  if (Array.isArray(raw) && raw.length === 2 && Array.isArray(raw[0]) && typeof raw[1] === 'number') return raw[0] as T[];
  return Array.isArray(raw) ? (raw as T[]) : [];
}
