// Injectable time source: the charger's own timers (heartbeat, sampling, power curve, reboot, offline
// windows, retries) all go through a Clock so tests can drive them with ManualClock instead of waiting.
// ocpp-rpc's internal timers (call timeout, ping) stay on real time: they belong to the transport.

export interface TimerHandle {
  readonly id: number;
}

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle | undefined): void;
}

export class RealClock implements Clock {
  private nextId = 1;

  /** unref: timers do not keep the process alive (for embedding in tests that forget to stop chargers). */
  constructor(private readonly options: { unref?: boolean } = {}) {}

  private readonly timers = new Map<number, NodeJS.Timeout>();

  now(): number {
    return Date.now();
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = this.nextId++;
    // Node caps timers at 2^31-1 ms; longer intervals (HeartbeatInterval 86400 s is fine, ~49 days is not) are clamped.
    const t = setTimeout(
      () => {
        this.timers.delete(id);
        fn();
      },
      Math.min(Math.max(0, ms), 2_147_483_647),
    );
    if (this.options.unref) t.unref();
    this.timers.set(id, t);
    return { id };
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    if (!handle) return;
    const t = this.timers.get(handle.id);
    if (t) clearTimeout(t);
    this.timers.delete(handle.id);
  }

  /** Number of live timers. */
  get pending(): number {
    return this.timers.size;
  }
}

/**
 * The timers one owner set on a clock it may share, so the owner can cancel all of its own at once: a charger's
 * stop() ends every timer of that charger (reservation expiry, a pending remote start, firmware steps, ...)
 * without touching other chargers' timers on the same clock.
 */
export class TimerScope implements Clock {
  private readonly live = new Set<TimerHandle>();

  constructor(private readonly clock: Clock) {}

  now(): number {
    return this.clock.now();
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const handle = this.clock.setTimeout(() => {
      this.live.delete(handle);
      fn();
    }, ms);
    this.live.add(handle);
    return handle;
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    if (handle) this.live.delete(handle);
    this.clock.clearTimeout(handle);
  }

  /** Cancels every timer set through this scope that has not fired yet. */
  clearAll(): void {
    for (const handle of this.live) this.clock.clearTimeout(handle);
    this.live.clear();
  }

  /** Timers set through this scope that have not fired or been cleared. */
  get pending(): number {
    return this.live.size;
  }
}

interface ManualTimer {
  id: number;
  due: number;
  seq: number;
  fn: () => void;
}

/** Test clock: time moves only through advance(); due timers fire in due order, ties in creation order. */
export class ManualClock implements Clock {
  private current: number;
  private nextId = 1;
  private seq = 0;
  private readonly timers = new Map<number, ManualTimer>();

  constructor(startMs = Date.parse('2025-01-01T00:00:00.000Z')) {
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = this.nextId++;
    this.timers.set(id, { id, due: this.current + Math.max(0, ms), seq: this.seq++, fn });
    return { id };
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    if (handle) this.timers.delete(handle.id);
  }

  get pending(): number {
    return this.timers.size;
  }

  /** Moves time forward by ms, firing every timer that falls due (including ones scheduled by fired timers). */
  advance(ms: number): void {
    const target = this.current + ms;
    for (;;) {
      let next: ManualTimer | undefined;
      for (const t of this.timers.values()) {
        if (t.due <= target && (!next || t.due < next.due || (t.due === next.due && t.seq < next.seq))) next = t;
      }
      if (!next) break;
      this.timers.delete(next.id);
      this.current = Math.max(this.current, next.due);
      next.fn();
    }
    this.current = target;
  }
}
