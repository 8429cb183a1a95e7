import type { Bus } from './bus.js';
import { errorMessage } from './codec.js';
import { subjects, type FactKind } from './subjects.js';
import { busLog as log } from './bus-log.js';

/**
 * Records a fact about a charger in the events stream, for live dashboards (GET /api/v1/events) and any
 * service that wants it. A fact is derived, never the record itself: when the stream cannot take it, the
 * failure is logged and the caller goes on (the charger's answer must not wait on a dashboard).
 * `msgId` de-duplicates a fact of a CALL the charger sent again.
 */
export async function recordFact(bus: Bus, chargerId: string, kind: FactKind, fact: unknown, msgId?: string): Promise<void> {
  try {
    await bus.publishDurable(subjects.fact(chargerId, kind), fact, msgId !== undefined ? { msgId } : {});
  } catch (err) {
    log.warn(`${kind} fact of ${chargerId} not recorded (live dashboards miss it): ${errorMessage(err)}`);
  }
}
