/**
 * Warnings about one socket, rate-limited (docs/reference/design-decisions.md#every-bad-frame-counts: 50,000 unmatched
 * answers made 8-9 MB of log). The
 * first `burst` warnings of each window are logged as they come; the rest are counted and reported as one
 * summary line when the window has passed (at the next warning) or when the socket closes.
 */
export class WarningThrottle {
  private windowStart = Number.NEGATIVE_INFINITY;
  private logged = 0;
  private suppressed = 0;

  constructor(
    private readonly write: (message: string) => void,
    private readonly burst = 5,
    private readonly windowMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  warn(message: string): void {
    const t = this.now();
    if (t - this.windowStart >= this.windowMs) {
      this.flush();
      this.windowStart = t;
      this.logged = 0;
    }
    if (this.logged < this.burst) {
      this.logged++;
      this.write(message);
    } else {
      this.suppressed++;
    }
  }

  /** Writes the summary of what was held back, if anything was. */
  flush(): void {
    if (this.suppressed === 0) return;
    this.write(`${this.suppressed} more warning(s) like the above suppressed in the last ${Math.round(this.windowMs / 1000)} s`);
    this.suppressed = 0;
  }
}
