import { Logger } from '@nestjs/common';

export interface PeriodicTaskOptions {
  /** Run once at start() as well (a restarted service catches up at once instead of after a whole interval). */
  runAtStart?: boolean;
  log?: Pick<Logger, 'warn'>;
}

/**
 * A sweep that runs every `everyMs` in the background: its failures are logged (a sweep that fails once must
 * not stop the next), runs never overlap (a sweep slower than its interval skips a beat instead of piling up
 * queries on a struggling database), and the timer never keeps a stopping process alive.
 */
export class PeriodicTask {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;
  private readonly log: Pick<Logger, 'warn'>;

  constructor(
    /** What it does, for the log line when a run fails ("reservations sweep"). */
    private readonly what: string,
    private readonly everyMs: number,
    private readonly task: () => Promise<unknown>,
    private readonly options: PeriodicTaskOptions = {},
  ) {
    this.log = options.log ?? new Logger('PeriodicTask');
  }

  /** Starts the timer; an interval of 0 or less means never (only runAtStart, if asked). */
  start(): void {
    if (this.options.runAtStart) void this.runNow();
    if (this.everyMs > 0) {
      this.timer = setInterval(() => void this.runNow(), this.everyMs);
      this.timer.unref();
    }
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Runs the task now unless a run is in progress (then waits for that one); never rejects. */
  runNow(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.running ??= this.task()
      .then(
        () => undefined,
        (err: unknown) => this.log.warn(`${this.what} skipped: ${err instanceof Error ? err.message : String(err)}`),
      )
      .finally(() => (this.running = undefined));
    return this.running;
  }
}
