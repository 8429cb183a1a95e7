import type { DataSource } from 'typeorm';
import type { ChargerModel } from '#csms/zaptec-profile';
import { detectChargerModel } from '../registry/charger-model.js';
import { writeAudit, type AuditEntry } from './desired-store.js';
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
   * Replaces the snapshot with a full GetConfiguration answer, in one transaction, and audits every value
   * that changed since the previous snapshot as a change made at the charger (actor 'charger').
   */
  async replaceReported(chargerId: string, keys: Record<string, ReportedKey>, at: Date): Promise<void> {
    await this.db.transaction(async (tx) => {
      const prev: Array<{ key: string; value: string | null }> = await tx.query(
        `SELECT key, value FROM config_reported WHERE charger_id = $1 FOR UPDATE`, [chargerId]);
      const before = new Map(prev.map((r) => [r.key, r.value]));
      await tx.query(`DELETE FROM config_reported WHERE charger_id = $1`, [chargerId]);
      const entries = Object.entries(keys);
      if (entries.length > 0) {
        await tx.query(
          `INSERT INTO config_reported (charger_id, key, value, readonly, reported_at)
           SELECT $1, k, v, r, $2 FROM unnest($3::text[], $4::text[], $5::boolean[]) AS t(k, v, r)`,
          [chargerId, at.toISOString(), entries.map(([k]) => k), entries.map(([, v]) => v.value), entries.map(([, v]) => v.readonly)]);
      }
      // The first snapshot is a baseline, not a change.
      if (prev.length === 0) return;
      const changed: AuditEntry[] = entries
        .filter(([k, v]) => before.has(k) && before.get(k) !== v.value)
        .map(([key, v]) => ({ actor: 'charger', chargerId, key, oldValue: before.get(key) ?? null, newValue: v.value, outcome: 'reported' }));
      await writeAudit(tx, changed);
    });
  }

  async applyStates(chargerId: string): Promise<Record<string, ApplyStateView>> {
    const rows: ApplyRow[] = await this.db.query(
      `SELECT key, desired_value, outcome, at, message FROM config_apply_state WHERE charger_id = $1`, [chargerId]);
    return Object.fromEntries(rows.map((r) => [r.key, { desiredValue: r.desired_value, outcome: r.outcome, at: new Date(r.at).toISOString(), message: r.message }]));
  }

  /** Records one key's outcome; with `audit`, the ChangeConfiguration is also written to the audit trail. */
  async setApplyState(chargerId: string, key: string, desiredValue: string, outcome: ApplyOutcome, message: string | null, audit?: { oldValue: string | null }): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO config_apply_state (charger_id, key, desired_value, outcome, at, message) VALUES ($1, $2, $3, $4, now(), $5)
         ON CONFLICT (charger_id, key) DO UPDATE SET desired_value = EXCLUDED.desired_value, outcome = EXCLUDED.outcome, at = EXCLUDED.at, message = EXCLUDED.message`,
        [chargerId, key, desiredValue, outcome, message]);
      if (audit) await writeAudit(tx, [{ actor: 'reconciler', chargerId, key, oldValue: audit.oldValue, newValue: desiredValue, outcome }]);
    });
  }

  /** After a boot, RebootRequired changes took effect (or not): the next reconciliation checks them afresh. */
  async clearRebootPending(chargerId: string): Promise<void> {
    await this.db.query(`DELETE FROM config_apply_state WHERE charger_id = $1 AND outcome IN ('RebootRequired', 'NotSupported')`, [chargerId]);
  }
}
