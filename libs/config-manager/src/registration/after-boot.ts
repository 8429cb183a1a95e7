import { Logger } from '@nestjs/common';
import type { BootedCharger, BootService } from './boot.service.js';

export interface AfterBootOptions {
  /** Which boots call for the follow-up (e.g. Accepted only; never a Rejected one, docs/reference/protocol-notes.md#boot-states). */
  when: (booted: BootedCharger) => boolean;
  delayMs: number;
  /** For the log line when the follow-up fails ("queued commands"). */
  what: string;
  /** Runs at once, before the delay (state that must change with the boot itself). */
  atBoot?: (booted: BootedCharger) => Promise<void>;
  log?: Pick<Logger, 'warn'>;
}

/**
 * Runs `followUp` for each booted charger `delayMs` after its BootNotification. Not inline: BootService calls its
 * listeners before the reply leaves, and a charger may not be addressed before it has its answer
 * (docs/reference/protocol-notes.md#boot-states); and while chargers arrive in a surge, not before it has passed
 * (ArrivalSurge). Failures are logged; stop() drops the follow-ups still waiting.
 */
export function afterEachBoot(boots: BootService, options: AfterBootOptions, followUp: (chargerId: string) => Promise<unknown>): { stop(): void } {
  const log = options.log ?? new Logger('AfterBoot');
  const timers = new Set<NodeJS.Timeout>();
  let stopped = false;
  boots.onBooted(async (booted: BootedCharger) => {
    if (stopped || !options.when(booted)) return;
    await options.atBoot?.(booted);
    const bootAt = Date.now();
    const timer = setTimeout(() => {
      timers.delete(timer);
      // During a reconnect storm the follow-up waits for its end (arrival-surge.ts), at most the surge's limit.
      boots.arrivals
        .settled(bootAt)
        .then((proceed) => (proceed && !stopped ? followUp(booted.chargerId) : undefined))
        .catch((err: unknown) => log.warn(`${options.what} after the boot of ${booted.chargerId}: ${err instanceof Error ? err.message : String(err)}`));
    }, options.delayMs);
    timers.add(timer);
  });
  return {
    stop: () => {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
    },
  };
}
