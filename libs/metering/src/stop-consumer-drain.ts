import { setTimeout as sleep } from 'node:timers/promises';
import type { Bus } from '#csms/bus';

/** The durable consumer that applies StopTransactions (metering.controller.ts). */
export const STOP_CONSUMER = 'metering-stop-transactions';

export type DrainOutcome =
  /** Nothing waits for the stop consumer and nothing it was handed is unacked. */
  | { drained: true }
  /** It still had `pending` messages when the wait ran out, or it is not a consumer of this process. */
  | { drained: false; pending: number | undefined };

/**
 * Waits until the StopTransaction consumer has nothing pending, at most `maxWaitMs`.
 *
 * Why: a charger's StopTransaction is in the events stream before the Available that follows it, but the
 * status and stop consumers run apart. An Available on a connector whose transaction is still open is how
 * metering learns that a charger lost a transaction (closed as 'Reboot'); read before the stop consumer
 * caught up, it closed a transaction the charger did stop as 'Reboot' until the StopTransaction replaced
 * that close. Pending counts unacked messages too, and a batch is acked after its database commit, so
 * "drained" means every StopTransaction stored before the Available has been applied.
 */
export async function waitForStopsDrained(bus: Pick<Bus, 'consumerStats'>, maxWaitMs: number, pollMs = 100): Promise<DrainOutcome> {
  const deadline = Date.now() + maxWaitMs;
  for (;;) {
    let pending: number | undefined;
    try {
      pending = (await bus.consumerStats(STOP_CONSUMER)).find((s) => s.consumer === STOP_CONSUMER)?.pending;
    } catch {
      pending = undefined;
    }
    if (pending === 0) return { drained: true };
    if (pending === undefined || Date.now() >= deadline) return { drained: false, pending };
    await sleep(Math.min(pollMs, Math.max(1, deadline - Date.now())));
  }
}
