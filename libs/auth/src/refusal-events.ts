import { Logger } from '@nestjs/common';
import { BoundedMap } from './bounded-map.js';
import type { SecurityEventsService } from './security-events.service.js';

/** One refused connect, as the security event that records it. */
export interface Refusal {
  chargerId: string;
  type: string;
  techInfo: string;
  remoteAddress: string;
  /**
   * Aggregate by address alone (refusals because the address sprayed identities): a sprayer trying a new
   * made-up id on every attempt must not get one row per id. The row is filed under the first id of its minute.
   */
  perAddress?: boolean;
}

interface OpenEvent {
  minute: number;
  /** The stored row (undefined when the insert failed: the minute's further attempts are then only logged). */
  id: Promise<string | undefined>;
  /** Attempts after the first one, not yet added to the row's count. */
  extra: number;
}

export interface RefusalEventsOptions {
  /** How often attempts counted in memory are added to their rows. */
  flushEveryMs?: number;
  /** Keys (address, charger, reason) kept open at once; beyond, the least recently used is closed (flushed). */
  maxOpen?: number;
  now?: () => number;
}

const MINUTE_MS = 60_000;

/**
 * Every refused connect is a security event (docs/reference/design-decisions.md#connect-throttling), but a flood of
 * refusals must not become a flood of
 * rows: the first refusal of a (address, charger, reason) in a minute is written at once (so it shows right
 * away), the next ones of that minute only count in memory and are added to that row's `count` every
 * `flushEveryMs` in one statement. So the table grows by at most one row per key and minute, and a throttled
 * attempt costs no database write of its own. Per process: with several auth replicas, one row per replica.
 * A crash loses at most the counts of the last flush interval; never the first event.
 */
export class RefusalEvents {
  private readonly open: BoundedMap<OpenEvent>;
  private readonly closed: OpenEvent[] = [];
  private timer?: NodeJS.Timeout;
  private readonly flushEveryMs: number;
  private readonly now: () => number;
  private readonly log = new Logger('auth-refusals');

  constructor(
    private readonly events: SecurityEventsService,
    options: RefusalEventsOptions = {},
  ) {
    this.flushEveryMs = options.flushEveryMs ?? 2_000;
    this.now = options.now ?? Date.now;
    this.open = new BoundedMap<OpenEvent>(options.maxOpen ?? 10_000, (evicted) => this.close(evicted));
  }

  /** Resolves once the refusal is stored or counted; never rejects (a refusal stands even when the database is down). */
  async record(r: Refusal): Promise<void> {
    const t = this.now();
    const minute = Math.floor(t / MINUTE_MS);
    const key = `${r.type}\n${r.remoteAddress}\n${r.perAddress ? '' : r.chargerId}`;
    const current = this.open.get(key);
    if (current && current.minute === minute) {
      current.extra += 1;
      this.scheduleFlush();
      return;
    }
    if (current) this.close(current);
    const id = this.events
      .storeOne({
        chargerId: r.chargerId,
        type: r.type,
        techInfo: r.techInfo,
        timestamp: new Date(t).toISOString(),
        remoteAddress: r.remoteAddress,
        source: 'csms',
      })
      .catch((err: unknown) => {
        this.log.warn(`security event ${r.type} for ${r.chargerId} from ${r.remoteAddress} not stored: ${err instanceof Error ? err.message : String(err)}`);
        return undefined;
      });
    this.open.set(key, { minute, id, extra: 0 });
    await id;
  }

  /** Adds every counted attempt to its row; closes the minutes that are over. */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const minute = Math.floor(this.now() / MINUTE_MS);
    const pending = this.closed.splice(0);
    for (const [key, e] of this.open.entries()) {
      if (e.extra > 0) pending.push({ ...e });
      e.extra = 0;
      if (e.minute < minute) this.open.delete(key);
    }
    const counts: Array<{ id: string; n: number }> = [];
    for (const e of pending) {
      const id = await e.id;
      if (id !== undefined && e.extra > 0) counts.push({ id, n: e.extra });
    }
    await this.events.addToCounts(counts).catch((err: unknown) => {
      this.log.warn(`counts of ${counts.length} refusal events not stored: ${err instanceof Error ? err.message : String(err)}`);
    });
  }

  private close(e: OpenEvent): void {
    if (e.extra === 0) return;
    this.closed.push(e);
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => void this.flush(), this.flushEveryMs);
    this.timer.unref();
  }
}
