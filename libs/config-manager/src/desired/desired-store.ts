import { Injectable, Inject } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { DATA_SOURCE, keyedBatcher, type Batcher, sqlOf, type Sql } from '#csms/persistence';
import type { ChargerModel } from '#csms/zaptec-profile';
import { detectChargerModel } from '../registry/charger-model.js';
import type { DesiredLevels } from './effective.js';
import type { ConfigAuditRow, ConfigDesiredRow, DesiredScope } from './desired-store.rows.js';

export interface AuditEntry {
  actor: string;
  chargerId?: string | null;
  scope?: DesiredScope | null;
  scopeId?: string | null;
  key: string;
  oldValue: string | null;
  newValue: string | null;
  outcome: string;
}

export interface AuditView {
  at: string;
  actor: string;
  chargerId: string | null;
  scope: DesiredScope | null;
  scopeId: string | null;
  key: string;
  old: string | null;
  new: string | null;
  outcome: string;
}

type DesiredRow = Pick<ConfigDesiredRow, 'scope' | 'scope_id' | 'key' | 'value'>;
type AuditRow = Omit<ConfigAuditRow, 'id'>;

const toMap = (rows: Array<{ key: string; value: string }>): Record<string, string> => Object.fromEntries(rows.map((r) => [r.key, r.value]));

/** Multi-row INSERT of audit entries (one statement whatever their number). */
export async function writeAudit(db: Sql, entries: AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await db.execute(
    `INSERT INTO config_audit (actor, charger_id, scope, scope_id, key, old_value, new_value, outcome)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])`,
    [
      entries.map((e) => e.actor),
      entries.map((e) => e.chargerId ?? null),
      entries.map((e) => e.scope ?? null),
      entries.map((e) => e.scopeId ?? null),
      entries.map((e) => e.key),
      entries.map((e) => e.oldValue),
      entries.map((e) => e.newValue),
      entries.map((e) => e.outcome),
    ],
  );
}

/** Reads and writes of the desired levels and groups. */
@Injectable()
export class DesiredStore {
  /** Every boot and every reconciliation reads one charger's levels: reads arriving together share one query. */
  private readonly levelReads: Batcher<string, DesiredLevels>;

  private readonly sql: Sql;

  constructor(@Inject(DATA_SOURCE) db: DataSource) {
    this.sql = sqlOf(db);
    // levelsOf answers every charger it is asked about; `missing` is never reached.
    this.levelReads = keyedBatcher(
      (ids) => this.levelsOf(ids),
      (id) => ({ fleet: {}, model: { name: detectChargerModel({ chargerId: id }), keys: {} }, group: null, charger: {} }),
    );
  }

  async level(scope: DesiredScope, scopeId: string, db: Sql = this.sql): Promise<Record<string, string>> {
    const rows = await db.query<DesiredRow>(`SELECT key, value FROM config_desired WHERE scope = $1 AND scope_id = $2 ORDER BY key`, [scope, scopeId]);
    return toMap(rows);
  }

  async groupOf(chargerId: string, db: Sql = this.sql): Promise<string | null> {
    const rows = await db.query<{ group_name: string }>(`SELECT group_name FROM config_group_members WHERE charger_id = $1`, [chargerId]);
    return rows[0]?.group_name ?? null;
  }

  async groupExists(name: string, db: Sql = this.sql): Promise<boolean> {
    const rows = await db.query<unknown>(`SELECT 1 FROM config_groups WHERE name = $1`, [name]);
    return rows.length > 0;
  }

  async members(name: string, db: Sql = this.sql): Promise<string[]> {
    const rows = await db.query<{ charger_id: string }>(`SELECT charger_id FROM config_group_members WHERE group_name = $1 ORDER BY charger_id`, [name]);
    return rows.map((r) => r.charger_id);
  }

  /**
   * The levels of many chargers at once, in one query: every boot and every reconciliation asks for one
   * charger's levels, so with a fleet reconnecting this runs thousands of times a second. Group membership and
   * the registry's model come back beside the desired rows (scopes 'member' and 'model-of'); a charger the
   * registry does not know gets the model its identity suggests, as ChargerStateStore.info does. `overrides`
   * judges a membership or model change before it is written (validations), so its groups are read too.
   */
  async levelsOf(
    chargerIds: string[],
    overrides: { groupOf?: Map<string, string | null>; modelOf?: Map<string, ChargerModel> } = {},
    db: Sql = this.sql,
  ): Promise<Map<string, DesiredLevels>> {
    const extraGroups = [...new Set([...(overrides.groupOf?.values() ?? [])].filter((g): g is string => g !== null))];
    const rows = await db.query<Omit<DesiredRow, 'scope'> & { scope: DesiredScope | 'member' | 'model-of' }>(
      `WITH m AS (SELECT charger_id, group_name FROM config_group_members WHERE charger_id = ANY($1::text[]))
       SELECT 'member' AS scope, charger_id AS scope_id, '' AS key, group_name AS value FROM m
       UNION ALL
       SELECT 'model-of', charger_id, '', model FROM config_chargers WHERE charger_id = ANY($1::text[])
       UNION ALL
       SELECT scope, scope_id, key, value FROM config_desired
        WHERE (scope = 'fleet' AND scope_id = '')
           OR scope = 'model'
           OR (scope = 'charger' AND scope_id = ANY($1::text[]))
           OR (scope = 'group' AND (scope_id IN (SELECT group_name FROM m) OR scope_id = ANY($2::text[])))
       ORDER BY 1, 2, 3`,
      [chargerIds, extraGroups],
    );
    const groupOf = new Map<string, string | null>();
    const modelOf = new Map<string, ChargerModel>();
    const byLevel = new Map<string, Record<string, string>>();
    for (const r of rows) {
      if (r.scope === 'member') groupOf.set(r.scope_id, r.value);
      else if (r.scope === 'model-of') modelOf.set(r.scope_id, r.value as ChargerModel);
      else byLevel.set(`${r.scope}:${r.scope_id}`, { ...(byLevel.get(`${r.scope}:${r.scope_id}`) ?? {}), [r.key]: r.value });
    }
    for (const [id, g] of overrides.groupOf ?? []) groupOf.set(id, g);
    for (const [id, model] of overrides.modelOf ?? []) modelOf.set(id, model);
    const fleet = byLevel.get('fleet:') ?? {};
    const out = new Map<string, DesiredLevels>();
    for (const id of chargerIds) {
      const g = groupOf.get(id) ?? null;
      const model = modelOf.get(id) ?? detectChargerModel({ chargerId: id });
      out.set(id, {
        fleet,
        model: { name: model, keys: byLevel.get(`model:${model}`) ?? {} },
        group: g === null ? null : { name: g, keys: byLevel.get(`group:${g}`) ?? {} },
        charger: byLevel.get(`charger:${id}`) ?? {},
      });
    }
    return out;
  }

  /** In a transaction (`db` given) read there; otherwise batched with the reads arriving meanwhile. */
  async levelsFor(chargerId: string, db?: Sql): Promise<DesiredLevels> {
    if (db) return (await this.levelsOf([chargerId], {}, db)).get(chargerId) as DesiredLevels;
    return this.levelReads.add(chargerId);
  }

  /** Every charger the fleet level reaches: known to the registry, in a group, or with its own desired keys. */
  async allChargers(db: Sql = this.sql): Promise<string[]> {
    const rows = await db.query<{ id: string }>(
      `SELECT charger_id AS id FROM config_chargers
       UNION SELECT charger_id FROM config_group_members
       UNION SELECT scope_id FROM config_desired WHERE scope = 'charger'
       ORDER BY 1`,
    );
    return rows.map((r) => r.id);
  }

  /**
   * Applies `changes` to one level (null removes the key) and audits each real change; returns the audit
   * entries written. Run inside the caller's transaction, after validation.
   */
  async writeLevel(
    tx: Sql,
    scope: DesiredScope,
    scopeId: string,
    changes: Record<string, string | null>,
    actor: string,
    outcome = 'stored',
  ): Promise<AuditEntry[]> {
    const before = await this.level(scope, scopeId, tx);
    const upserts = Object.entries(changes).filter((e): e is [string, string] => e[1] !== null && before[e[0]] !== e[1]);
    const removals = Object.entries(changes)
      .filter(([k, v]) => v === null && before[k] !== undefined)
      .map(([k]) => k);
    if (scope === 'group') await tx.execute(`INSERT INTO config_groups (name) VALUES ($1) ON CONFLICT DO NOTHING`, [scopeId]);
    if (upserts.length > 0) {
      await tx.execute(
        `INSERT INTO config_desired (scope, scope_id, key, value, updated_by)
         SELECT $1, $2, k, v, $3 FROM unnest($4::text[], $5::text[]) AS t(k, v)
         ON CONFLICT (scope, scope_id, key) DO UPDATE SET value = EXCLUDED.value, updated_at = now(), updated_by = EXCLUDED.updated_by`,
        [scope, scopeId, actor, upserts.map(([k]) => k), upserts.map(([, v]) => v)],
      );
    }
    if (removals.length > 0) {
      await tx.execute(`DELETE FROM config_desired WHERE scope = $1 AND scope_id = $2 AND key = ANY($3::text[])`, [scope, scopeId, removals]);
    }
    const entries: AuditEntry[] = [
      ...upserts.map(([key, v]) => ({ key, oldValue: before[key] ?? null, newValue: v })),
      ...removals.map((key) => ({ key, oldValue: before[key] ?? null, newValue: null })),
    ].map((e) => ({ ...e, actor, scope, scopeId, chargerId: scope === 'charger' ? scopeId : null, outcome }));
    await writeAudit(tx, entries);
    return entries;
  }

  /** Makes exactly `chargerIds` the members of `name` (moving them from other groups). Returns who joined or left. */
  async setMembers(tx: Sql, name: string, chargerIds: string[], actor: string): Promise<{ joined: string[]; left: string[] }> {
    await tx.execute(`INSERT INTO config_groups (name) VALUES ($1) ON CONFLICT DO NOTHING`, [name]);
    const before = new Set(await this.members(name, tx));
    const after = new Set(chargerIds);
    const left = [...before].filter((id) => !after.has(id));
    const joined = [...after].filter((id) => !before.has(id));
    await tx.execute(`DELETE FROM config_group_members WHERE group_name = $1 AND NOT (charger_id = ANY($2::text[]))`, [name, [...after]]);
    await tx.execute(
      `INSERT INTO config_group_members (charger_id, group_name) SELECT id, $1 FROM unnest($2::text[]) AS t(id)
       ON CONFLICT (charger_id) DO UPDATE SET group_name = EXCLUDED.group_name, added_at = now()`,
      [name, [...after]],
    );
    await writeAudit(tx, [
      ...joined.map((id) => ({
        actor,
        chargerId: id,
        scope: 'group' as const,
        scopeId: name,
        key: '(group membership)',
        oldValue: null,
        newValue: name,
        outcome: 'stored',
      })),
      ...left.map((id) => ({
        actor,
        chargerId: id,
        scope: 'group' as const,
        scopeId: name,
        key: '(group membership)',
        oldValue: name,
        newValue: null,
        outcome: 'stored',
      })),
    ]);
    return { joined, left };
  }

  /** The charger's audit trail, newest first: its own rows and the fleet/model/group changes that reached it. */
  async history(chargerId: string, limit: number): Promise<AuditView[]> {
    const levels = await this.levelsFor(chargerId);
    const rows = await this.sql.query<AuditRow>(
      `SELECT at, actor, charger_id, scope, scope_id, key, old_value, new_value, outcome FROM config_audit
        WHERE charger_id = $1 OR (charger_id IS NULL AND (scope = 'fleet' OR (scope = 'group' AND scope_id = $2) OR (scope = 'model' AND scope_id = $3)))
        ORDER BY id DESC LIMIT $4`,
      [chargerId, levels.group?.name ?? null, levels.model.name, limit],
    );
    return rows.map((r) => ({
      at: new Date(r.at).toISOString(),
      actor: r.actor,
      chargerId: r.charger_id,
      scope: r.scope,
      scopeId: r.scope_id,
      key: r.key,
      old: r.old_value,
      new: r.new_value,
      outcome: r.outcome,
    }));
  }
}
