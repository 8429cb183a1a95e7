/**
 * A refresh asked for by many events at once, run once: soon after the first poke, never two at a time
 * (pokes during a run cause one more run), and once more a little after the last poke. That last run is
 * there because the list and the summary are read from the registry, which a durable consumer updates a
 * moment after the event itself went out: the run right after the event may still see the old state.
 */
export interface Coalesced {
  poke(): void;
  dispose(): void;
}

export function coalesced(task: () => Promise<void>, delayMs = 300, settleMs = 1500): Coalesced {
  let timer: number | undefined;
  let settle: number | undefined;
  let running = false;
  let again = false;
  let disposed = false;
  const schedule = (): void => {
    if (timer === undefined && !disposed) timer = window.setTimeout(run, delayMs);
  };
  const run = async (): Promise<void> => {
    timer = undefined;
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      await task();
    } finally {
      running = false;
      if (again) {
        again = false;
        schedule();
      }
    }
  };
  return {
    poke() {
      schedule();
      window.clearTimeout(settle);
      settle = window.setTimeout(schedule, settleMs);
    },
    dispose() {
      disposed = true;
      window.clearTimeout(timer);
      window.clearTimeout(settle);
    },
  };
}
