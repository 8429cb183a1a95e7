/**
 * The charger list's filters, sort and cursor as SQL over `config_chargers` (GET /api/v1/chargers,
 * docs/reference/design-decisions.md#operator-api):
 * the database filters, counts and pages; nothing is loaded to be filtered here.
 *
 * Cursor paging is keyset paging: the cursor holds the sort key and id of the page's last row, so the next
 * page starts right after it however many chargers connect or disappear meanwhile (offset paging skips or
 * repeats rows then). Null times sort first (as -infinity), so every row has a key.
 */

import { LIST_SORTS, MAX_PAGE_SIZE, type ListSort } from '../portable/charger-list.js';

export { LIST_SORTS, MAX_PAGE_SIZE, type ListSort };

/** The charger list's default page size (the largest: ../portable/charger-list.ts, which the dashboard shares). */
export const DEFAULT_PAGE_SIZE = 100;

export interface ChargerListFilters {
  connected?: boolean;
  /** Effective model (zaptec-go, generic, ...). */
  model?: string;
  /** Firmware version prefix. */
  firmware?: string;
  /** Members of this configuration group. */
  group?: string;
  /** Text the charger id contains (case-insensitive). */
  q?: string;
  /** Only these ids (the status filter: metering's answer). */
  ids?: string[];
  /** true: drift or refused; false: in sync (config_sync_state); chargers never reconciled match neither. */
  drift?: boolean;
}

/** The list's table: the registry, with each charger's configuration sync state (desired/sync-state.ts). */
export const LIST_FROM = 'config_chargers LEFT JOIN config_sync_state s USING (charger_id)';

const SORT_KEY: Record<string, string> = {
  id: 'charger_id',
  lastSeen: `coalesce(last_seen, '-infinity'::timestamptz)`,
  connectedAt: `coalesce(connected_at, '-infinity'::timestamptz)`,
};

/** LIKE pattern text with its wildcards escaped. */
const likeText = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`);

export interface ListCursor {
  sort: ListSort;
  /** The sort key of the last row (ISO time or '-infinity'; the id for sort by id). */
  key: string;
  id: string;
}

export function encodeCursor(c: ListCursor): string {
  return Buffer.from(JSON.stringify([c.sort, c.key, c.id]), 'utf8').toString('base64url');
}

/** The cursor, or undefined when the text is not one of ours. */
export function decodeCursor(text: string): ListCursor | undefined {
  try {
    const v: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length === 3 && (LIST_SORTS as readonly unknown[]).includes(v[0]) && typeof v[1] === 'string' && typeof v[2] === 'string') {
      return { sort: v[0] as ListSort, key: v[1], id: v[2] };
    }
  } catch {
    /* not base64url JSON */
  }
  return undefined;
}

export interface ListSql {
  where: string;
  params: unknown[];
  /** The sort key expression, and the page condition after `cursor` (uses params past `params`). */
  key: string;
  order: string;
  after(cursor: ListCursor | undefined): { condition: string; params: unknown[] };
}

export function listSql(f: ChargerListFilters, sort: ListSort): ListSql {
  const params: unknown[] = [];
  const conds: string[] = [];
  const p = (v: unknown): string => {
    params.push(v);
    return `$${params.length}`;
  };
  if (f.connected !== undefined) conds.push(`connected = ${p(f.connected)}::boolean`);
  if (f.model !== undefined) conds.push(`model = ${p(f.model)}`);
  if (f.firmware !== undefined) conds.push(`firmware_version LIKE ${p(`${likeText(f.firmware)}%`)}`);
  if (f.q !== undefined) conds.push(`charger_id ILIKE ${p(`%${likeText(f.q)}%`)}`);
  if (f.group !== undefined) conds.push(`charger_id IN (SELECT charger_id FROM config_group_members WHERE group_name = ${p(f.group)})`);
  if (f.ids !== undefined) conds.push(`charger_id = ANY(${p(f.ids)}::text[])`);
  if (f.drift !== undefined) conds.push(f.drift ? `s.state IN ('drift', 'refused')` : `s.state = 'in-sync'`);
  const desc = sort.startsWith('-');
  const key = SORT_KEY[desc ? sort.slice(1) : sort];
  const dir = desc ? 'DESC' : 'ASC';
  return {
    where: conds.length ? `WHERE ${conds.join(' AND ')}` : '',
    params,
    key,
    order: key === 'charger_id' ? `ORDER BY charger_id ${dir}` : `ORDER BY ${key} ${dir}, charger_id ${dir}`,
    after(cursor) {
      if (!cursor) return { condition: '', params: [] };
      const n = params.length;
      const cmp = desc ? '<' : '>';
      if (key === 'charger_id') return { condition: `charger_id ${cmp} $${n + 1}`, params: [cursor.id] };
      return { condition: `(${key}, charger_id) ${cmp} ($${n + 1}::timestamptz, $${n + 2})`, params: [cursor.key, cursor.id] };
    },
  };
}
