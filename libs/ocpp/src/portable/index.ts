/**
 * `#csms/ocpp/portable`: the protocol lists the ops dashboard also runs in the browser. Dependency-free
 * (docs/CONVENTIONS-FOR-CONTRIBUTORS.md#portable-modules).
 */
export { CHARGER_INITIATED_ACTIONS, CSMS_INITIATED_ACTIONS } from './actions.js';
