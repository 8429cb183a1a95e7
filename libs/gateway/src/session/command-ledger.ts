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
 *
 * A settled outcome is kept as its JSON text, not as the object the charger's answer became: after a fleet's
 * first connects every charger's GetConfiguration reply (40-odd keys) sits here for the TTL, and as objects,
 * strings and the promise (which also pins the tracing context it was created in) that is several KiB per
 * charger against about one as text (docs/benchmarks.md#memory-per-charger). Outcomes are bus replies, so
 * JSON is what they already are on the wire; a duplicate gets an equal copy.
 *
 * A read (`forgetWhenSettled`: GetConfiguration and the other actions that change nothing on the charger) is
 * remembered only while it runs, so a duplicate still joins the running CALL instead of sending a second one at the
 * same time. Once settled it is forgotten: a later duplicate reads again, which costs the charger one more answer and
 * changes nothing, and the answer it would have kept is the largest thing the ledger held (every charger's
 * GetConfiguration replies after a fleet's connect burst; docs/benchmarks.md#memory-per-charger).
 *
 * A command that carries a deadline (every one sendCommand stamps does) is forgotten a minute after its deadline
 * rather than after the full TTL: every delivery of one command id carries the same deadline, and a delivery past
 * it is never sent (RpcSession refuses a CALL whose deadline passed), so a later duplicate can no longer execute
 * and the entry has nothing left to guard. The margin only covers this gateway's own timer slack.
 */
const AFTER_DEADLINE_MS = 60_000;
const FULL_PASS_EVERY_MS = 1_000;

export class CommandLedger<T> {
  private readonly entries = new Map<string, LedgerEntry<T>>();
  private lastFullPass = 0;

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
   * duplicate must not turn one attempt into two. With `forgetWhenSettled` (a read), only until it settled.
   */
  run(commandId: string, execute: () => Promise<T>, deadline?: number, forgetWhenSettled = false): { outcome: Promise<T>; duplicate: boolean } {
    const t = this.now();
    this.evict(t);
    const seen = this.entries.get(commandId);
    if (seen && seen.expiresAt > t) return { outcome: seen.outcome ?? Promise.resolve(JSON.parse(seen.settled as string) as T), duplicate: true };
    const outcome = execute();
    const expiresAt = deadline === undefined ? t + this.ttlMs : Math.min(t + this.ttlMs, Math.max(t, deadline) + AFTER_DEADLINE_MS);
    // Every field from the start: one added later moves them all out of the object into a separate property array.
    const entry: LedgerEntry<T> = { outcome, settled: undefined, expiresAt };
    if (forgetWhenSettled) {
      const forget = () => {
        if (this.entries.get(commandId) === entry) this.entries.delete(commandId);
      };
      outcome.then(forget, forget);
    } else {
      outcome.then(
        (value) => {
          const text = JSON.stringify(value);
          if (text === undefined) return; // not JSON data: keep the promise
          entry.settled = shared(text);
          entry.outcome = undefined;
        },
        () => undefined, // the caller of this run observes the rejection; later duplicates too (the promise is kept)
      );
    }
    this.entries.delete(commandId);
    this.entries.set(commandId, entry);
    return { outcome, duplicate: false };
  }

  /**
   * Drops expired entries from the oldest end, and the oldest past the bound (Map order is insertion order).
   * Entries expire at different times (deadlines differ), so once a second a full pass also drops the expired
   * ones behind a longer-lived entry.
   */
  private evict(t: number): void {
    for (const [id, entry] of this.entries) {
      if (entry.expiresAt > t && this.entries.size < this.maxEntries) break;
      this.entries.delete(id);
    }
    if (t - this.lastFullPass < FULL_PASS_EVERY_MS) return;
    this.lastFullPass = t;
    for (const [id, entry] of this.entries) if (entry.expiresAt <= t) this.entries.delete(id);
  }
}

/**
 * Short outcomes are mostly the same few texts (`{"status":"ok","result":{"status":"Accepted"}}` for every charger's
 * ChangeConfiguration): one copy of each is kept for all entries instead of one per entry. Bounded: past the limit a
 * text is kept as it is.
 */
const SHARED_TEXT_MAX_LENGTH = 96;
const SHARED_TEXTS_MAX = 1_000;
const sharedTexts = new Map<string, string>();

function shared(text: string): string {
  if (text.length > SHARED_TEXT_MAX_LENGTH) return text;
  const known = sharedTexts.get(text);
  if (known !== undefined) return known;
  if (sharedTexts.size < SHARED_TEXTS_MAX) sharedTexts.set(text, text);
  return text;
}

/** While the command runs, the promise every delivery waits on; once it succeeded, its outcome as JSON text. */
interface LedgerEntry<T> {
  outcome: Promise<T> | undefined;
  settled: string | undefined;
  expiresAt: number;
}
