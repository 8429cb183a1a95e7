/**
 * WebSocket liveness for every socket of a gateway on one timer (docs/reference/protocol-notes.md#liveness).
 *
 * A timer per socket cost each of 10k idle chargers a Timeout object and its wake-ups four times per ping
 * interval. The wheel is one setInterval and a ring of slots, one per tick: a socket sits in the slot of the tick
 * at which it next has something to do (a ping or the pong deadline), so each tick touches only the sockets due
 * then, about once per interval each. Ticks the event loop missed are caught up, so a busy loop delays a check,
 * never skips it.
 *
 * The pings are spread over the interval (docs/benchmarks.md#pings-spread-over-the-interval): the tick is a 60th of
 * it and a socket's first ping falls at a random point of its first interval. With a tick of a quarter interval and
 * the first ping at the next tick, every socket that connected within the same quarter (a whole fleet after a
 * reconnect storm) was pinged in one turn of the event loop, and its pongs came back together: at 10k chargers
 * thousands of pings and pongs in one turn every 15 s, in the gateway and in the chargers' own network path.
 */

/** Ticks per ping interval: at the default minute, one a second. */
const LIVENESS_TICKS_PER_INTERVAL = 60;

/** What a socket remembers between checks; times are epoch ms. */
export interface LivenessState {
  /** Last pong (or the connect): the socket is closed when nothing was heard for two intervals. */
  lastAlive: number;
  /** Last ping sent; 0 = none yet, so the first check pings. */
  lastPing: number;
}

export type LivenessAction = 'ping' | 'close' | 'none';

/**
 * One check of one socket at `now`: close after two intervals without a pong (two missed pongs), ping when
 * the last ping is an interval old. `nextDue` is the earliest time anything can change without a pong; a
 * pong only moves the close deadline later, so a socket checked at `nextDue` is never checked late.
 */
export function livenessStep(state: LivenessState, now: number, intervalMs: number): { action: LivenessAction; nextDue: number } {
  if (now - state.lastAlive > 2 * intervalMs) return { action: 'close', nextDue: Infinity };
  let action: LivenessAction = 'none';
  if (now - state.lastPing >= intervalMs) {
    state.lastPing = now;
    action = 'ping';
  }
  return { action, nextDue: Math.min(state.lastPing + intervalMs, state.lastAlive + 2 * intervalMs + 1) };
}

export interface LivenessMember {
  /** Checks the socket at `now`; the next time it wants a check, or null when it is done (closed). */
  checkLiveness(now: number): number | null;
  /**
   * The wheel's own bookkeeping, never set by the member: the slot it waits in, undefined while off the wheel. On the
   * member rather than in a Map of the wheel's, which would be an entry more per connected charger.
   */
  livenessSlot?: number;
}

export class LivenessWheel {
  readonly tickMs: number;
  private readonly slots: Array<Set<LivenessMember>>;
  /** Members on the wheel. */
  private members = 0;
  /** The last tick number whose slot was processed. */
  private processed: number;
  private timer?: NodeJS.Timeout;

  /**
   * `intervalMs`: the ping interval; the wheel turns every 60th of it (at least 25 ms). `spread`: where in its first
   * interval a socket added without a time is first checked, a fraction in [0, 1) (tests fix it).
   */
  constructor(
    private readonly intervalMs: number,
    private readonly clock: () => number = Date.now,
    private readonly spread: () => number = Math.random,
  ) {
    this.tickMs = Math.max(25, Math.floor(intervalMs / LIVENESS_TICKS_PER_INTERVAL));
    // A socket is never due more than 2 intervals + 1 ms ahead: the ring covers that plus a spare slot, so a
    // member is never placed in a slot the ring comes round to before its time.
    this.slots = Array.from({ length: Math.ceil((2 * intervalMs + 1) / this.tickMs) + 2 }, () => new Set<LivenessMember>());
    this.processed = Math.floor(this.clock() / this.tickMs);
  }

  /** Sockets on the wheel. */
  get size(): number {
    return this.members;
  }

  /** True while the wheel's timer runs (only while it holds a socket). */
  get running(): boolean {
    return this.timer !== undefined;
  }

  /**
   * Puts a socket on the wheel, checked first at `due`. Default: a random point of the coming interval, so the pings
   * of sockets that connected together do not stay together; a silent socket is still closed two intervals after
   * it was last heard (the check at `due` pings, and the close deadline comes from `lastAlive`, not from the ping).
   */
  add(member: LivenessMember, due = this.clock() + Math.floor(this.spread() * this.intervalMs)): void {
    if (!this.timer) {
      // Idle ticks since the wheel last stopped have nothing to catch up.
      this.processed = Math.max(this.processed, Math.floor(this.clock() / this.tickMs) - 1);
      this.timer = setInterval(() => this.tick(this.clock()), this.tickMs);
      // Liveness alone never keeps a process alive.
      this.timer.unref();
    }
    this.place(member, due);
  }

  remove(member: LivenessMember): void {
    const slot = member.livenessSlot;
    if (slot === undefined) return;
    this.slots[slot].delete(member);
    member.livenessSlot = undefined;
    this.members--;
    if (this.members === 0) this.stop();
  }

  /** Processes every tick up to `now` that has not been processed (the timer calls it; tests call it with their own clock). */
  tick(now: number): void {
    const current = Math.floor(now / this.tickMs);
    // After a stall longer than the ring, one pass over every slot checks every socket once.
    const from = Math.max(this.processed + 1, current - this.slots.length + 1);
    for (let t = from; t <= current; t++) {
      this.processed = t;
      const slot = this.slots[t % this.slots.length];
      if (slot.size === 0) continue;
      const due = [...slot];
      slot.clear();
      for (const member of due) {
        member.livenessSlot = undefined;
        this.members--;
        const next = member.checkLiveness(now);
        if (next !== null) this.place(member, next);
      }
    }
    if (this.members === 0) this.stop();
  }

  private place(member: LivenessMember, due: number): void {
    const old = member.livenessSlot;
    if (old !== undefined) this.slots[old].delete(member);
    else this.members++;
    // The first tick at or after `due`, and never one already processed (it would wait a whole turn).
    const t = Math.max(Math.ceil(due / this.tickMs), this.processed + 1);
    const slot = t % this.slots.length;
    this.slots[slot].add(member);
    member.livenessSlot = slot;
  }

  private stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}

const wheels = new WeakMap<object, LivenessWheel>();

/**
 * The wheel of one gateway. A gateway's socket server hands the same limits object to every session it
 * creates, so keying by that object gives one wheel per gateway without the server knowing about wheels.
 */
export function livenessWheelOf(limits: { pingIntervalMs: number }): LivenessWheel {
  let wheel = wheels.get(limits);
  if (!wheel) {
    wheel = new LivenessWheel(limits.pingIntervalMs);
    wheels.set(limits, wheel);
  }
  return wheel;
}
