// The event types of GET /api/v1/events, in the lib's portable folder (no imports, no Node, no DOM) so the ops
// dashboard's browser build compiles this same list (docs/CONVENTIONS-FOR-CONTRIBUTORS.md#portable-modules).

/** Every type GET /api/v1/events sends (docs/api-events.md); the server's filter and the dashboard's stream subscribe to these. */
export const LIVE_EVENT_TYPES = [
  'charger.connected',
  'charger.disconnected',
  'charger.boot',
  'connector.status',
  'transaction.started',
  'transaction.stopped',
  'power',
  'configuration',
  'security',
  'command',
  'queued-command',
  'reservation',
  'diagnostics',
  'firmware',
  'charging-profile',
  'site-limit',
] as const;
export type LiveEventType = (typeof LIVE_EVENT_TYPES)[number];
