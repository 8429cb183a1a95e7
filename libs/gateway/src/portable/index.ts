/**
 * `#csms/gateway/portable`: the operator API's lists and shapes the ops dashboard also runs in the browser.
 * Dependency-free (docs/CONVENTIONS-FOR-CONTRIBUTORS.md#portable-modules).
 */
export { LIVE_EVENT_TYPES, type LiveEventType } from './live-events.js';
export type { FleetSummary } from './fleet-summary.js';
