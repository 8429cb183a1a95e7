/**
 * At most one power event per connector per interval for one client (EVENTS_POWER_INTERVAL_MS): a reading
 * inside the interval is held, replaced by a later one, and sent once its interval is over unless a newer
 * sent reading made it stale. The interval is measured in the readings' own time, so a replay after a
 * reconnect forwards the same readings the live stream did; only the release of a held reading uses the clock.
 */
import type { LiveEvent } from './live-event.js';

interface ConnectorState {
  /** Reading time (ms) of the last reading sent. */
  lastSentAt: number;
  held?: LiveEvent;
}

export class PowerThrottle {
  private readonly connectors = new Map<string, ConnectorState>();

  constructor(private readonly intervalMs: number) {}

  /** The event to send now, or undefined when it was held. */
  offer(e: LiveEvent): LiveEvent | undefined {
    if (this.intervalMs <= 0) return e;
    const key = `${e.data.chargerId}\u0000${String(e.data.connectorId)}`;
    const t = Date.parse(e.data.at);
    const state = this.connectors.get(key);
    if (!state || !Number.isFinite(t) || t - state.lastSentAt >= this.intervalMs || t < state.lastSentAt) {
      this.connectors.set(key, { lastSentAt: Number.isFinite(t) ? t : 0 });
      return e;
    }
    state.held = e;
    return undefined;
  }

  /** Held readings, each released once (called every interval). */
  release(): LiveEvent[] {
    const out: LiveEvent[] = [];
    for (const state of this.connectors.values()) {
      if (!state.held) continue;
      out.push(state.held);
      const t = Date.parse(state.held.data.at);
      if (Number.isFinite(t)) state.lastSentAt = t;
      state.held = undefined;
    }
    return out;
  }
}
