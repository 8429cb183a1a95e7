/**
 * Optimistic concurrency over one row. `apply` works out a change from the row as it was read and writes it only
 * if the row is still as read (a compare-and-set in its WHERE clause), answering false on a miss; the row is then
 * read again and the rule applied to what is there now. Replicas and durable consumers handle a charger's events
 * side by side, so a rule applied to a stale read must be redone, never dropped, and never written over the newer
 * state.
 *
 * Resolves true once `apply` settles, false when the row is gone (`reread` answers undefined); rejects after
 * `rounds` misses, so a durable consumer redelivers instead of losing the event.
 */
export async function applyToLatest<Row>(
  first: Row,
  apply: (row: Row) => Promise<boolean>,
  reread: () => Promise<Row | undefined>,
  what: string,
  rounds = 10,
): Promise<boolean> {
  let current = first;
  for (let round = 0; round < rounds; round++) {
    if (await apply(current)) return true;
    const again = await reread();
    if (again === undefined) return false;
    current = again;
  }
  throw new Error(`${what} kept changing while a change was applied (${rounds} rounds)`);
}
