import type { DataSource } from 'typeorm';
import { FLEET_BILLING_DEFAULTS } from '#csms/zaptec-profile';

/**
 * Issue 10 §2: the fleet level starts with the profile's billing defaults, so a Zaptec booting with a 24 h
 * heartbeat and no sampling is brought to sensible values without an operator acting first. Only when the fleet
 * level is empty (first start, or emptied on purpose and restarted): the operator's own values always win.
 * Idempotent across replicas starting together (ON CONFLICT, and the audit only for rows really inserted).
 */
export async function ensureFleetDefaults(db: DataSource, overrides: Record<string, string> = {}): Promise<number> {
  return db.transaction(async (tx) => {
    const existing: unknown[] = await tx.query(`SELECT 1 FROM config_desired WHERE scope = 'fleet' LIMIT 1`);
    if (existing.length > 0) return 0;
    const entries = Object.entries({ ...FLEET_BILLING_DEFAULTS, ...overrides });
    const inserted: Array<{ key: string; value: string }> = await tx.query(
      `INSERT INTO config_desired (scope, scope_id, key, value, updated_by)
       SELECT 'fleet', '', k, v, 'reconciler' FROM unnest($1::text[], $2::text[]) AS t(k, v)
       ON CONFLICT DO NOTHING RETURNING key, value`,
      [entries.map(([k]) => k), entries.map(([, v]) => v)]);
    if (inserted.length > 0) {
      await tx.query(
        `INSERT INTO config_audit (actor, scope, scope_id, key, old_value, new_value, outcome)
         SELECT 'reconciler', 'fleet', '', k, NULL, v, 'stored' FROM unnest($1::text[], $2::text[]) AS t(k, v)`,
        [inserted.map((r) => r.key), inserted.map((r) => r.value)]);
    }
    return inserted.length;
  });
}
