/**
 * A Map that holds at most `maxEntries` keys, dropping the least recently set one beyond that: auth keeps
 * per-charger and per-address state in memory (connect throttle, verified credentials), and a flood of made-up
 * identities must not grow it without bound. `set` re-inserts, so Map order is least recently set first.
 */
export class BoundedMap<V> {
  private readonly map = new Map<string, V>();
  /** `onEvict` is told about an entry dropped for room (not about `delete`). */
  constructor(
    private readonly maxEntries: number,
    private readonly onEvict?: (value: V) => void,
  ) {}

  get(key: string): V | undefined {
    return this.map.get(key);
  }

  set(key: string, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    while (this.map.size > this.maxEntries) {
      const oldest = this.map.keys().next().value;
      if (oldest === undefined) break;
      const evicted = this.map.get(oldest);
      this.map.delete(oldest);
      if (this.onEvict && evicted !== undefined) this.onEvict(evicted);
    }
  }

  delete(key: string): void {
    this.map.delete(key);
  }

  /** A snapshot, so the caller may delete while it walks. */
  entries(): Array<[string, V]> {
    return [...this.map];
  }

  get size(): number {
    return this.map.size;
  }
}
