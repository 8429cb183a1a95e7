import type { Sql } from '#csms/persistence';
import type { AuthChargersRow } from './charger-registry.service.rows.js';

/**
 * The auth_chargers rows of these (canonical) ids in one statement, by id. The registry's lookups and the local
 * list's state reads both batch through it; each maps the row to its own view.
 */
export async function chargerRowsByIds(sql: Sql, ids: readonly string[]): Promise<Map<string, AuthChargersRow>> {
  const rows = await sql.query<AuthChargersRow>(`SELECT * FROM auth_chargers WHERE charger_id = ANY($1::text[])`, [ids]);
  return new Map(rows.map((r) => [r.charger_id, r]));
}
