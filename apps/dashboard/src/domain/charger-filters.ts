/**
 * The charger list's filters (CONTRACT-LIVE, GET /api/v1/chargers): read from and written to the page's
 * address (so a filtered list can be bookmarked and Back works), and turned into the API's query.
 */
import { CONNECTOR_STATUSES, LIST_SORTS, MAX_PAGE_SIZE, type ListSort } from '#csms/config-manager/portable';

// The server's own values (docs/CONVENTIONS-FOR-CONTRIBUTORS.md#portable-modules): a filter the API would refuse is never offered.
export { CONNECTOR_STATUSES, LIST_SORTS as SORTS };
export type Sort = ListSort;

export interface ChargerFilters {
  q?: string;
  connected?: boolean;
  model?: string;
  firmware?: string;
  status?: string;
  drift?: boolean;
  group?: string;
  sort?: Sort;
  limit?: number;
}

/** Where a page starts: the server's opaque cursor, or an offset when the server pages by offset only. */
export type PageRef = { cursor: string } | { offset: number };

export const DEFAULT_PAGE_SIZE = 50;
const TEXT_FIELDS = ['q', 'model', 'firmware', 'group'] as const;

function bool(v: string | null): boolean | undefined {
  return v === 'true' ? true : v === 'false' ? false : undefined;
}

/** Unknown or malformed values are dropped, never sent: a hand-edited address cannot make the API answer 400. */
export function filtersFromParams(params: URLSearchParams): ChargerFilters {
  const f: ChargerFilters = {};
  for (const k of TEXT_FIELDS) {
    const v = params.get(k)?.trim();
    if (v) f[k] = v;
  }
  const connected = bool(params.get('connected'));
  if (connected !== undefined) f.connected = connected;
  const drift = bool(params.get('drift'));
  if (drift !== undefined) f.drift = drift;
  const status = params.get('status');
  if (status && (CONNECTOR_STATUSES as readonly string[]).includes(status)) f.status = status;
  const sort = params.get('sort');
  if (sort && (LIST_SORTS as readonly string[]).includes(sort)) f.sort = sort as Sort;
  const limit = Number(params.get('limit'));
  if (Number.isInteger(limit) && limit >= 1 && limit <= MAX_PAGE_SIZE) f.limit = limit;
  return f;
}

export function filtersToParams(f: ChargerFilters): URLSearchParams {
  const p = new URLSearchParams();
  for (const k of TEXT_FIELDS) if (f[k]) p.set(k, f[k] as string);
  if (f.connected !== undefined) p.set('connected', String(f.connected));
  if (f.status) p.set('status', f.status);
  if (f.drift !== undefined) p.set('drift', String(f.drift));
  if (f.sort) p.set('sort', f.sort);
  if (f.limit !== undefined) p.set('limit', String(f.limit));
  return p;
}

/**
 * The list request: compact view, the filters, the page. `unsupported` names query parameters this server
 * refused as unknown (a server from before the list extensions): they are left out, the list still shows.
 */
export function listQuery(f: ChargerFilters, page: PageRef | undefined, unsupported: ReadonlySet<string> = new Set()): URLSearchParams {
  const p = filtersToParams(f);
  p.set('view', 'compact');
  if (!p.has('limit')) p.set('limit', String(DEFAULT_PAGE_SIZE));
  if (page && 'cursor' in page) p.set('cursor', page.cursor);
  if (page && 'offset' in page && page.offset > 0) p.set('offset', String(page.offset));
  for (const name of unsupported) p.delete(name);
  return p;
}

export function describeFilters(f: ChargerFilters): string {
  const parts: string[] = [];
  if (f.q) parts.push(`id contains “${f.q}”`);
  if (f.connected !== undefined) parts.push(f.connected ? 'connected' : 'disconnected');
  if (f.model) parts.push(`model ${f.model}`);
  if (f.firmware) parts.push(`firmware ${f.firmware}`);
  if (f.status) parts.push(`a connector ${f.status}`);
  if (f.drift !== undefined) parts.push(f.drift ? 'configuration drift' : 'configuration in sync');
  if (f.group) parts.push(`group ${f.group}`);
  return parts.length ? parts.join(', ') : 'all chargers';
}
