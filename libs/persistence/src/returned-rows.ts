/**
 * The rows of an UPDATE/DELETE ... RETURNING through TypeORM's `DataSource.query()`: node-postgres answers
 * `[rows, affected]`, PGlite the rows alone.
 *
 * @deprecated Use `sqlOf(dataSource).query(...)` (./sql.ts), which answers rows the same on both. Kept only for
 * libs/config-manager/src/firmware/store.ts, being reworked on another branch; remove once it has switched.
 */
export function returnedRows<T>(result: unknown): T[] {
  if (!Array.isArray(result)) return [];
  return Array.isArray(result[0]) && result.length === 2 && typeof result[1] === 'number' ? (result[0] as T[]) : (result as T[]);
}
