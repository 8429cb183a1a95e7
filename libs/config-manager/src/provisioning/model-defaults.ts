import type { DataSource } from 'typeorm';
import { sqlOf } from '#csms/persistence';
import { billingDefaultsOf, MODELS_WITH_BILLING_DEFAULTS } from '#csms/zaptec-profile';

/**
 * docs/reference/design-decisions.md#boot-provisioning: each Zaptec model's level starts with the profile's billing defaults, so a Zaptec
 * booting with a 24 h heartbeat and no sampling is brought to sensible values without an operator acting first,
 * while a generic charger receives nothing it was not given. A key is seeded for a model only when that model's
 * level never held it (no audit row: seeded before, moved there by the upgrade, or set or removed by an operator)
 * and no operator ever set it at the fleet level (an upgraded fleet keeps what its operator chose for everyone).
 * Idempotent across replicas starting together (ON CONFLICT, and the audit only for rows really inserted).
 */
export async function ensureModelDefaults(db: DataSource, overrides: Record<string, string> = {}): Promise<number> {
  const rows = MODELS_WITH_BILLING_DEFAULTS.flatMap((model) =>
    Object.entries({ ...billingDefaultsOf(model), ...overrides }).map(([k, v]) => ({ model, k, v })),
  );
  return sqlOf(db).transaction(async (tx) => {
    const inserted = await tx.query<{ scope_id: string; key: string; value: string }>(
      `INSERT INTO config_desired (scope, scope_id, key, value, updated_by)
       SELECT 'model', t.m, t.k, t.v, 'reconciler' FROM unnest($1::text[], $2::text[], $3::text[]) AS t(m, k, v)
        WHERE NOT EXISTS (SELECT 1 FROM config_audit a WHERE a.scope = 'model' AND a.scope_id = t.m AND a.key = t.k)
          AND NOT EXISTS (SELECT 1 FROM config_audit a WHERE a.scope = 'fleet' AND a.scope_id = '' AND a.key = t.k AND a.actor LIKE 'api:%')
       ON CONFLICT DO NOTHING RETURNING scope_id, key, value`,
      [rows.map((r) => r.model), rows.map((r) => r.k), rows.map((r) => r.v)],
    );
    if (inserted.length > 0) {
      await tx.execute(
        `INSERT INTO config_audit (actor, scope, scope_id, key, old_value, new_value, outcome)
         SELECT 'reconciler', 'model', m, k, NULL, v, 'stored' FROM unnest($1::text[], $2::text[], $3::text[]) AS t(m, k, v)`,
        [inserted.map((r) => r.scope_id), inserted.map((r) => r.key), inserted.map((r) => r.value)],
      );
    }
    return inserted.length;
  });
}
