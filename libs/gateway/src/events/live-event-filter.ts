/**
 * Which events one client asked for (`chargerId`, `group`, `types`), as the stream's filter subjects (so NATS
 * sends only those) and as the exact test each event passes.
 */
import { LIVE_EVENT_TYPES, sourceSubjects, type LiveEvent, type LiveEventType } from './live-event.js';

/** Past this many filter subjects the reader takes every charger's subjects and the filter here does the rest. */
export const MAX_FILTER_SUBJECTS = 64;

export class LiveEventFilter {
  readonly types: ReadonlySet<LiveEventType>;

  /** `chargers` undefined: every charger; an empty set (an empty group): none. */
  constructor(
    types: readonly LiveEventType[] | undefined,
    readonly chargers: ReadonlySet<string> | undefined,
  ) {
    this.types = new Set(types && types.length > 0 ? types : LIVE_EVENT_TYPES);
  }

  subjects(): string[] {
    const out = new Set<string>();
    const perCharger = this.chargers !== undefined && this.chargers.size * this.types.size <= MAX_FILTER_SUBJECTS;
    for (const type of this.types) {
      if (perCharger) for (const id of this.chargers as ReadonlySet<string>) for (const s of sourceSubjects(type, id)) out.add(s);
      else for (const s of sourceSubjects(type)) out.add(s);
    }
    return [...out];
  }

  accepts(e: LiveEvent): boolean {
    return this.types.has(e.type) && (this.chargers === undefined || this.chargers.has(e.data.chargerId));
  }

  /** Nothing can match (a group without members): the stream still opens and beats, and stays quiet. */
  empty(): boolean {
    return this.chargers !== undefined && this.chargers.size === 0;
  }
}
