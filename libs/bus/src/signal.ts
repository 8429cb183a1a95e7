/** A wake-up signal: `wait(ms)` resolves on the next `notify()` or after `ms`, whichever comes first. */
export class Signal {
  private waiters: Array<() => void> = [];

  wait(ms?: number): Promise<void> {
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const done = (): void => {
        if (timer) clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== done);
        resolve();
      };
      this.waiters.push(done);
      if (ms !== undefined) timer = setTimeout(done, ms);
    });
  }

  notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

export const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Redelivery back-off after a rejected batch: 200 ms, 400 ms, ... capped at 10 s. */
export function redeliveryDelayMs(deliveryCount: number): number {
  return Math.min(200 * 2 ** Math.max(0, deliveryCount - 1), 10_000);
}
