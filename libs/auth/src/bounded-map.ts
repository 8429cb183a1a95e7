/**
 * A Map that holds at most `maxEntries` keys, dropping the least recently set one beyond that: auth keeps
 * per-charger and per-address state in memory (connect throttle, verified credentials), and a flood of made-up
 * identities must not grow it without bound. `set` re-inserts, so Map order is least recently set first.
 */
export class BoundedMap<V> {
  private readonly entries = new Map<string, V>();
  constructor(private readonly maxEntries: number) {}

  get(key: string): V | undefined {
    return this.entries.get(key);
  }

  set(key: string, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}
