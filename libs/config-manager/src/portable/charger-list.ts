// What GET /api/v1/chargers takes, in the lib's portable folder (no imports, no Node, no DOM) so the ops
// dashboard's filters offer exactly the server's values (docs/CONVENTIONS-FOR-CONTRIBUTORS.md#portable-modules).

/** OCPP 1.6 ChargePointStatus (§7.7): what the `status` filter takes. list-chargers.query.ts checks it against the protocol's type. */
export const CONNECTOR_STATUSES = [
  'Available',
  'Preparing',
  'Charging',
  'SuspendedEVSE',
  'SuspendedEV',
  'Finishing',
  'Reserved',
  'Unavailable',
  'Faulted',
] as const;

export const LIST_SORTS = ['id', '-id', 'lastSeen', '-lastSeen', 'connectedAt', '-connectedAt'] as const;
export type ListSort = (typeof LIST_SORTS)[number];

/** The largest page the list answers (the API's validation and the registry's own check). */
export const MAX_PAGE_SIZE = 1000;
