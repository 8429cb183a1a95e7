/**
 * The charger list's rows: one shape from either list view the server answers (compact, or the full view
 * of a server from before `view=compact`), and how a live event changes a row.
 */
import type { ChargerRow, LiveEvent } from './api-types.js';
import type { PageRef } from './charger-filters.js';

export interface ChargerPage {
  items: ChargerRow[];
  total: number;
  next: PageRef | null;
}

type Raw = Record<string, unknown>;

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

export function toRow(raw: Raw): ChargerRow {
  const statuses: Record<string, string> = {};
  if (raw.connectorStatus && typeof raw.connectorStatus === 'object') {
    for (const [k, v] of Object.entries(raw.connectorStatus as Raw)) if (typeof v === 'string') statuses[k] = v;
  } else if (Array.isArray(raw.connectors)) {
    for (const c of raw.connectors as Raw[]) statuses[String(c.connectorId)] = String(c.status);
  }
  const boot = raw.boot && typeof raw.boot === 'object' ? (raw.boot as Raw) : undefined;
  return {
    id: String(raw.id),
    connected: raw.connected === true,
    model: str(raw.model) ?? 'unknown',
    firmwareVersion: str(raw.firmwareVersion) ?? str(boot?.firmwareVersion),
    lastSeen: str(raw.lastSeen),
    connectorStatus: statuses,
    drift: typeof raw.drift === 'boolean' ? raw.drift : null,
  };
}

/** The page of `GET /api/v1/chargers`: `nextCursor` per the contract, else offset paging (older servers). */
export function toPage(body: Raw): ChargerPage {
  const items = Array.isArray(body.items) ? (body.items as Raw[]).map(toRow) : [];
  const total = typeof body.total === 'number' ? body.total : items.length;
  let next: PageRef | null = null;
  if ('nextCursor' in body) next = typeof body.nextCursor === 'string' ? { cursor: body.nextCursor } : null;
  else if (typeof body.offset === 'number' && body.offset + items.length < total) next = { offset: body.offset + items.length };
  return { items, total, next };
}

/** The row after `event`, or the same row when the event does not change what the list shows. */
export function applyEvent(row: ChargerRow, event: LiveEvent): ChargerRow {
  const at = event.data.at;
  switch (event.type) {
    case 'charger.connected':
      return { ...row, connected: true, lastSeen: at };
    case 'charger.disconnected':
      return { ...row, connected: false, lastSeen: at };
    case 'charger.boot':
      return { ...row, model: event.data.model || row.model, firmwareVersion: event.data.firmwareVersion ?? row.firmwareVersion, lastSeen: at };
    case 'connector.status':
      return { ...row, connectorStatus: { ...row.connectorStatus, [String(event.data.connectorId)]: event.data.status }, lastSeen: at };
    case 'configuration':
      return { ...row, drift: !event.data.inSync };
    default:
      return row;
  }
}

/** Which list filters an event may change the answer of: then the page is asked again rather than patched. */
export function eventTouchesFilter(
  event: LiveEvent,
  filters: { connected?: boolean; status?: string; drift?: boolean; model?: string; firmware?: string },
): boolean {
  switch (event.type) {
    case 'charger.connected':
    case 'charger.disconnected':
      return filters.connected !== undefined;
    case 'connector.status':
      return filters.status !== undefined;
    case 'configuration':
      return filters.drift !== undefined;
    case 'charger.boot':
      return filters.model !== undefined || filters.firmware !== undefined;
    default:
      return false;
  }
}
