/**
 * The rows of an UPDATE/DELETE ... RETURNING through TypeORM's `query()`: the postgres driver answers
 * `[rows, affected]`, PGlite's driver the rows alone. One place that knows, for every store.
 */
export function returnedRows<T>(result: unknown): T[] {
  if (!Array.isArray(result)) return [];
  return Array.isArray(result[0]) && result.length === 2 && typeof result[1] === 'number' ? (result[0] as T[]) : (result as T[]);
}
