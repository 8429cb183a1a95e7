/**
 * Counts bad frames in a sliding one-minute window. docs/reference/protocol-notes.md#bad-frames: never drop the socket for one bad
 * frame, but close it (1002) after too many in a window.
 */
export class BadFrameLimiter {
  private readonly times: number[] = [];

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records one bad frame; true when the limit is now exceeded. */
  record(): boolean {
    const t = this.now();
    this.times.push(t);
    while (this.times.length > 0 && this.times[0] <= t - 60_000) this.times.shift();
    return this.times.length > this.perMinute;
  }
}
