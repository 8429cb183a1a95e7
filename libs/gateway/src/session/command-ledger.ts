/**
 * The commands this gateway executed recently, by commandId, with their outcome (or the promise of it).
 *
 * Exactly one execution per command (docs/reference/design-decisions.md#commands): a second delivery of a command id this gateway already
 * took (a caller's retry, a copy that reached it twice) gets the first execution's outcome, or waits for it,
 * and never sends the CALL again. Entries live at least `ttlMs` from the first delivery; that must exceed the
 * longest a command may run (COMMAND_TIMEOUT_MS and the API's timeoutMs both stop at 600 s), so an entry is
 * never forgotten while its command can still be delivered. The ledger is bounded: past `maxEntries` the
 * oldest go first (at the default, far more commands than one gateway runs in a TTL).
 *
 * Deliberately per gateway, not shared: on NATS the command subject is served in one queue group, so each
 * request reaches exactly one gateway (see SessionRegistry), and a gateway that holds no socket never
 * executes, it hands the request on. A shared ledger would cost a JetStream round trip per command to guard
 * against a delivery the transport already excludes.
 */
export class CommandLedger<T> {
  private readonly entries = new Map<string, { outcome: Promise<T>; expiresAt: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 100_000,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /**
   * The outcome of command `commandId`: the first execution's when it was seen before (`duplicate: true`),
   * otherwise `execute()`'s, remembered for the next delivery. A failed execution is remembered too: a
   * duplicate must not turn one attempt into two.
   */
  run(commandId: string, execute: () => Promise<T>): { outcome: Promise<T>; duplicate: boolean } {
    const t = this.now();
    this.evict(t);
    const seen = this.entries.get(commandId);
    if (seen && seen.expiresAt > t) return { outcome: seen.outcome, duplicate: true };
    const outcome = execute();
    outcome.catch(() => undefined); // the caller of this run observes the rejection; later duplicates too
    this.entries.delete(commandId);
    this.entries.set(commandId, { outcome, expiresAt: t + this.ttlMs });
    return { outcome, duplicate: false };
  }

  /** Drops expired entries from the oldest end, and the oldest past the bound. Map order is insertion order. */
  private evict(t: number): void {
    for (const [id, entry] of this.entries) {
      if (entry.expiresAt > t && this.entries.size < this.maxEntries) break;
      this.entries.delete(id);
    }
  }
}
