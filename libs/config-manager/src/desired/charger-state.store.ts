import type { DataSource } from 'typeorm';
import type { ChargerModel } from '#csms/zaptec-profile';
import { detectChargerModel } from '../registry/charger-model.js';
import type { ApplyStateView, ReportedKey, ReportedSnapshot } from './effective.js';
import type { ApplyOutcome } from './entities.js';

interface ReportedRow {
  key: string;
  value: string | null;
  readonly: boolean;
  reported_at: Date | string;
}
interface ApplyRow {
  key: string;
  desired_value: string;
  outcome: ApplyOutcome;
  at: Date | string;
  message: string | null;
}

export interface ChargerInfo {
  model: ChargerModel;
  connected: boolean;
  known: boolean;
}

/** What the charger reported and how our ChangeConfigurations went, per key. */
export class ChargerStateStore {
  constructor(private readonly db: DataSource) {}

  /** The registry's model (override or detected at boot); a charger never seen gets the model its identity suggests. */
  async info(chargerId: string): Promise<ChargerInfo> {
    const rows: Array<{ model: ChargerModel; connected: boolean }> = await this.db.query(
      `SELECT model, connected FROM config_chargers WHERE charger_id = $1`, [chargerId]);
    const r = rows[0];
    return r ? { model: r.model, connected: r.connected, known: true } : { model: detectChargerModel({ chargerId }), connected: false, known: false };
  }

  async models(chargerIds: string[]): Promise<Map<string, ChargerModel>> {
    const rows: Array<{ charger_id: string; model: ChargerModel }> = await this.db.query(
      `SELECT charger_id, model FROM config_chargers WHERE charger_id = ANY($1::text[])`, [chargerIds]);
    const out = new Map(rows.map((r) => [r.charger_id, r.model]));
    for (const id of chargerIds) if (!out.has(id)) out.set(id, detectChargerModel({ chargerId: id }));
    return out;
  }

  /** Connected chargers with a ChangeConfiguration still marked pending: a reconciliation was interrupted. */
  async interruptedChargers(): Promise<string[]> {
    const rows: Array<{ charger_id: string }> = await this.db.query(
      `SELECT DISTINCT s.charger_id FROM config_apply_state s JOIN config_chargers c ON c.charger_id = s.charger_id
        WHERE s.outcome = 'pending' AND c.connected ORDER BY s.charger_id`);
    return rows.map((r) => r.charger_id);
  }

  async connectedChargers(): Promise<string[]> {
    const rows: Array<{ charger_id: string }> = await this.db.query(`SELECT charger_id FROM config_chargers WHERE connected ORDER BY charger_id`);
    return rows.map((r) => r.charger_id);
  }

  async reported(chargerId: string): Promise<ReportedSnapshot | null> {
    const rows: ReportedRow[] = await this.db.query(
      `SELECT key, value, readonly, reported_at FROM config_reported WHERE charger_id = $1 ORDER BY key`, [chargerId]);
    if (rows.length === 0) return null;
    const keys: Record<string, ReportedKey> = {};
    for (const r of rows) keys[r.key] = { value: r.value, readonly: r.readonly };
    return { at: new Date(rows[0].reported_at), keys };
  }

  async reportedMany(chargerIds: string[]): Promise<Map<string, Record<string, string>>> {
    const rows: Array<{ charger_id: string; key: string; value: string | null }> = await this.db.query(
      `SELECT charger_id, key, value FROM config_reported WHERE charger_id = ANY($1::text[]) AND value IS NOT NULL`, [chargerIds]);
    const out = new Map<string, Record<string, string>>();
    for (const r of rows) out.set(r.charger_id, { ...(out.get(r.charger_id) ?? {}), [r.key]: r.value as string });
    return out;
  }

  /**
   * Replaces the snapshot with a full GetConfiguration answer and audits every value that changed since the
   * previous snapshot as a change made at the charger (actor 'charger'); the first snapshot is a baseline, not a
   * change. One statement (atomic by itself): it runs at every (re)connect of every charger, and a fleet
   * reconnecting at once should not pay a five-step transaction each. Rows are upserted rather than deleted
   * and re-inserted, so an unchanged snapshot only moves its time.
   */
  async replaceReported(chargerId: string, keys: Record<string, ReportedKey>, at: Date): Promise<void> {
    const entries = Object.entries(keys);
    await this.db.query(
      `WITH prev AS (SELECT key, value FROM config_reported WHERE charger_id = $1 FOR UPDATE),
       fresh AS (SELECT * FROM unnest($3::text[], $4::text[], $5::boolean[]) WITH ORDINALITY AS t(k, v, r, n)),
       gone AS (DELETE FROM config_reported c WHERE c.charger_id = $1 AND NOT EXISTS (SELECT 1 FROM fresh WHERE fresh.k = c.key)),
       kept AS (
         INSERT INTO config_reported (charger_id, key, value, readonly, reported_at)
         SELECT $1, k, v, r, $2 FROM fresh
         ON CONFLICT (charger_id, key) DO UPDATE SET value = EXCLUDED.value, readonly = EXCLUDED.readonly, reported_at = EXCLUDED.reported_at)
       INSERT INTO config_audit (actor, charger_id, key, old_value, new_value, outcome)
       SELECT 'charger', $1, fresh.k, prev.value, fresh.v, 'reported' FROM fresh JOIN prev ON prev.key = fresh.k
        WHERE prev.value IS DISTINCT FROM fresh.v
        ORDER BY fresh.n`,
      [chargerId, at.toISOString(), entries.map(([k]) => k), entries.map(([, v]) => v.value), entries.map(([, v]) => v.readonly)]);
  }

  async applyStates(chargerId: string): Promise<Record<string, ApplyStateView>> {
    const rows: ApplyRow[] = await this.db.query(
      `SELECT key, desired_value, outcome, at, message FROM config_apply_state WHERE charger_id = $1`, [chargerId]);
    return Object.fromEntries(rows.map((r) => [r.key, { desiredValue: r.desired_value, outcome: r.outcome, at: new Date(r.at).toISOString(), message: r.message }]));
  }

  /** Records one key's outcome; with `audit`, the ChangeConfiguration is also written to the audit trail (one statement). */
  async setApplyState(chargerId: string, key: string, desiredValue: string, outcome: ApplyOutcome, message: string | null, audit?: { oldValue: string | null }): Promise<void> {
    await this.db.query(
      `WITH st AS (
         INSERT INTO config_apply_state (charger_id, key, desired_value, outcome, at, message) VALUES ($1, $2, $3, $4, now(), $5)
         ON CONFLICT (charger_id, key) DO UPDATE SET desired_value = EXCLUDED.desired_value, outcome = EXCLUDED.outcome, at = EXCLUDED.at, message = EXCLUDED.message)
       INSERT INTO config_audit (actor, charger_id, key, old_value, new_value, outcome)
       SELECT 'reconciler', $1, $2, $6::text, $3, $4 WHERE $7::boolean`,
      [chargerId, key, desiredValue, outcome, message, audit?.oldValue ?? null, audit !== undefined]);
  }

  /** After a boot, RebootRequired changes took effect (or not): the next reconciliation checks them afresh. */
  async clearRebootPending(chargerId: string): Promise<void> {
    await this.db.query(`DELETE FROM config_apply_state WHERE charger_id = $1 AND outcome IN ('RebootRequired', 'NotSupported')`, [chargerId]);
  }
}
