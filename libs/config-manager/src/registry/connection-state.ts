import type { ConnectionEvent } from '#csms/bus';

/** The connection columns of one charger, times in epoch milliseconds. */
export interface ConnectionState {
  connected: boolean;
  gatewayId: string | null;
  sessionId: string | null;
  connectedAt: number | null;
  disconnectedAt: number | null;
  remoteAddress: string | null;
  /** Event time of the last applied event: the order in which connection facts are judged. */
  eventAt: number | null;
}

/**
 * The state after one connection event, or undefined when the event changes nothing.
 *
 * The newest socket for an identity wins (docs/reference/design-decisions.md#services-and-flows): when a charger reconnects, the new
 * session's `connected` usually arrives before the old socket's `disconnected`, possibly from another
 * gateway. So a `disconnected` counts only for the current session, and any event older (by event time)
 * than the last one applied is stale: durable redelivery and two gateways publishing make both happen.
 */
export function applyConnectionEvent(state: ConnectionState | undefined, event: ConnectionEvent): ConnectionState | undefined {
  const at = Date.parse(event.at);
  if (Number.isNaN(at)) return undefined;
  const last = state?.eventAt ?? null;

  if (event.state === 'connected') {
    // Equal times: a different session is the later publish (batches are ordered by time, then stream seq).
    const newer = last === null || at > last || (at === last && event.sessionId !== state?.sessionId);
    if (!newer) return undefined;
    return {
      connected: true,
      gatewayId: event.gatewayId,
      sessionId: event.sessionId,
      connectedAt: at,
      disconnectedAt: state?.disconnectedAt ?? null,
      remoteAddress: event.remoteAddress ?? null,
      eventAt: at,
    };
  }

  if (state === undefined || last === null) {
    // Nothing known yet: record the charger as offline so it is listed.
    return {
      connected: false,
      gatewayId: event.gatewayId,
      sessionId: event.sessionId,
      connectedAt: state?.connectedAt ?? null,
      disconnectedAt: at,
      remoteAddress: event.remoteAddress ?? state?.remoteAddress ?? null,
      eventAt: at,
    };
  }
  if (event.sessionId !== state.sessionId || !state.connected || at < last) return undefined;
  return { ...state, connected: false, disconnectedAt: at, eventAt: at };
}

/** Batch order: event time, then stream sequence (publish order) for equal times. */
export function byEventTime<T extends { data: ConnectionEvent; seq: number }>(a: T, b: T): number {
  const ta = Date.parse(a.data.at);
  const tb = Date.parse(b.data.at);
  return ta !== tb ? ta - tb : a.seq - b.seq;
}
