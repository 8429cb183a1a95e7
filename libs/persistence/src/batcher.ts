/**
 * Runs many small database operations as few statements when they arrive together, without delaying one
 * that arrives alone. A fleet reconnecting at once means thousands of "look up this one charger" and
 * "record this one boot" a second; each is a round trip whose cost here is mostly the socket write and the
 * backend wake-up, not the work. So the first item goes out at once (a batch of one: no added latency when
 * quiet), and items arriving while `maxInFlight` batches are out wait for the next one, which carries all of
 * them (up to `maxBatch`). Nagle's rule, for statements.
 *
 * `run` gets the items in arrival order and must return one result per item, in the same order. If it
 * throws, every item of that batch is rejected with the error; other batches are unaffected.
 */
import { SpanKind, activeContext, inSpan, linkTo, type Context } from '#csms/tracing';

export interface BatcherOptions {
  /**
   * Batches out at once; more waiting items join the next batch. One by default: with two, a storm of 2,000
   * chargers went out in batches of one or two items, and one batch out at a time cut the storm's statements by
   * 17% (docs/benchmarks.md, "Fewer statements per connect and per command"). An item waits at most for the
   * batch ahead of it.
   */
  maxInFlight: number;
  /** Items per batch (one statement's array parameters; keep well below what the database takes at once). */
  maxBatch: number;
  /** Name of the batch's span (docs/deploy.md#37-logs-and-traces). */
  name: string;
}

const DEFAULTS: BatcherOptions = { maxInFlight: 1, maxBatch: 500, name: 'db batch' };

interface Waiting<I, O> {
  item: I;
  /** The trace the item was added in: the batch span continues the first one and links them all. */
  context: Context;
  resolve: (out: O) => void;
  reject: (err: unknown) => void;
}

export class Batcher<I, O> {
  private readonly queue: Array<Waiting<I, O>> = [];
  private inFlight = 0;
  private readonly options: BatcherOptions;

  constructor(
    private readonly run: (items: I[]) => Promise<O[]>,
    options: Partial<BatcherOptions> = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
    if (!(this.options.maxInFlight >= 1 && this.options.maxBatch >= 1)) throw new Error('Batcher: maxInFlight and maxBatch must be at least 1');
  }

  add(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, context: activeContext(), resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.options.maxInFlight && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.options.maxBatch);
      this.inFlight++;
      void this.dispatch(batch);
    }
  }

  private async dispatch(batch: Array<Waiting<I, O>>): Promise<void> {
    try {
      const links = batch.flatMap((w) => linkTo(w.context) ?? []);
      const items = batch.map((w) => w.item);
      const out = await inSpan(
        this.options.name,
        { parent: batch[0].context, kind: SpanKind.CLIENT, links, attributes: { 'db.operation.batch.size': batch.length } },
        () => this.run(items),
      );
      if (out.length !== batch.length) throw new Error(`Batcher: ${out.length} results for ${batch.length} items`);
      batch.forEach((w, i) => w.resolve(out[i] as O));
    } catch (err) {
      for (const w of batch) w.reject(err);
    } finally {
      this.inFlight--;
      this.pump();
    }
  }
}

/**
 * Splits a batch into rounds in which no key repeats, keeping each key's items in arrival order; each entry
 * keeps its index in `items`. An `INSERT ... ON CONFLICT DO UPDATE` may touch a row only once per statement,
 * so a batch holding two items for the same row runs as successive statements, one per round.
 */
export function roundsOfDistinct<T>(items: T[], key: (item: T) => string): Array<Array<[number, T]>> {
  const rounds: Array<Array<[number, T]>> = [];
  const seen: Array<Set<string>> = [];
  items.forEach((item, i) => {
    const k = key(item);
    let r = 0;
    // After the last round holding this key, so a charger's boots stay in arrival order.
    for (let j = seen.length - 1; j >= 0; j--)
      if (seen[j].has(k)) {
        r = j + 1;
        break;
      }
    if (r === rounds.length) {
      rounds.push([]);
      seen.push(new Set());
    }
    rounds[r].push([i, item]);
    seen[r].add(k);
  });
  return rounds;
}

/**
 * A Batcher for lookups by key (a charger id): each batch asks `load` once for its distinct keys, and every
 * waiter gets its key's value, or `missing(key)` when `load` found none.
 */
export function keyedBatcher<V>(
  load: (keys: string[]) => Promise<Map<string, V>>,
  missing: (key: string) => V,
  options: Partial<BatcherOptions> = {},
): Batcher<string, V> {
  return new Batcher<string, V>(async (keys) => {
    const found = await load([...new Set(keys)]);
    return keys.map((k) => (found.has(k) ? (found.get(k) as V) : missing(k)));
  }, options);
}
