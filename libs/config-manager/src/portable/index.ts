/**
 * `#csms/config-manager/portable`: the charger list's values and the registry's shapes the ops dashboard also
 * runs in the browser. Dependency-free (docs/CONVENTIONS-FOR-CONTRIBUTORS.md#portable-modules).
 */
export { CONNECTOR_STATUSES, LIST_SORTS, MAX_PAGE_SIZE, type ListSort } from './charger-list.js';
export type { BootStatus, ChargerBoot } from './charger-boot.js';
export type { ChargerConnection } from './charger-connection.js';
