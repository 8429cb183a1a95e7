import { Injectable, Inject } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { DATA_SOURCE, Batcher, keyedBatcher, roundsOfDistinct, sqlOf, type Sql } from '#csms/persistence';
import type { ChargerModel } from '#csms/zaptec-profile';
import { detectChargerModel } from '../registry/charger-model.js';
import type { ApplyStateView, ReportedKey, ReportedSnapshot } from './effective.js';
import type { ApplyOutcome, ConfigApplyStateRow, ConfigReportedRow } from './charger-state.store.rows.js';

type ReportedRow = Pick<ConfigReportedRow, 'key' | 'value' | 'readonly' | 'reported_at'>;
type ApplyRow = Omit<ConfigApplyStateRow, 'charger_id'>;

export interface ChargerInfo {
  model: ChargerModel;
  connected: boolean;
  known: boolean;
  /** From its last BootNotification: a refusal is remembered per firmware (docs/reference/design-decisions.md#refusals-remembered). */
  firmwareVersion: string | null;
}

/** A charger never seen gets the model its identity suggests. */
const unknownCharger = (chargerId: string): ChargerInfo => ({
  model: detectChargerModel({ chargerId }),
  connected: false,
  known: false,
  firmwareVersion: null,
});

/** What the charger reported and how our ChangeConfigurations went, per key. */
@Injectable()
export class ChargerStateStore {
  /**
   * What every boot and every reconciliation reads and writes per charger; when a fleet reconnects, the
   * operations arriving together share one statement each (see Batcher).
   */
  private readonly rebootClears: Batcher<string, void>;
  private readonly infos: Batcher<string, ChargerInfo>;
  private readonly applyReads: Batcher<string, Record<string, ApplyStateView>>;
  private readonly reportedReads: Batcher<string, ReportedSnapshot | null>;
  private readonly snapshots: Batcher<Snapshot, void>;

  private readonly sql: Sql;

  constructor(@Inject(DATA_SOURCE) db: DataSource) {
    this.sql = sqlOf(db);
    this.rebootClears = new Batcher<string, void>(async (ids) => {
      // Only RebootRequired: a Rejected/NotSupported is remembered per firmware and model, so a reboot on the same
      // firmware asks nothing again (docs/reference/design-decisions.md#refusals-remembered) and a new firmware is seen
      // by comparing it (ApplyStateView).
      await this.sql.execute(`DELETE FROM config_apply_state WHERE charger_id = ANY($1::text[]) AND outcome = 'RebootRequired'`, [[...new Set(ids)]]);
      return ids.map(() => undefined);
    });
    this.infos = keyedBatcher((ids) => this.knownInfos(ids), unknownCharger);
    this.applyReads = keyedBatcher(
      async (ids) => {
        const rows = await this.sql.query<ApplyRow & { charger_id: string }>(
          `SELECT charger_id, key, desired_value, outcome, at, message, firmware_version, model FROM config_apply_state WHERE charger_id = ANY($1::text[])`,
          [ids],
        );
        const byId = new Map<string, Record<string, ApplyStateView>>();
        for (const r of rows) {
          const views = byId.get(r.charger_id) ?? {};
          views[r.key] = {
            desiredValue: r.desired_value,
            outcome: r.outcome,
            at: new Date(r.at).toISOString(),
            message: r.message,
            firmwareVersion: r.firmware_version,
            model: r.model,
          };
          byId.set(r.charger_id, views);
        }
        return byId;
      },
      () => ({}),
    );
    this.reportedReads = keyedBatcher(
      async (ids) => {
        const rows = await this.sql.query<ReportedRow & { charger_id: string }>(
          `SELECT charger_id, key, value, readonly, reported_at FROM config_reported WHERE charger_id = ANY($1::text[]) ORDER BY charger_id, key`,
          [ids],
        );
        const byId = new Map<string, ReportedSnapshot>();
        for (const r of rows) {
          let snapshot = byId.get(r.charger_id);
          if (!snapshot) byId.set(r.charger_id, (snapshot = { at: new Date(r.reported_at), keys: {} }));
          snapshot.keys[r.key] = { value: r.value, readonly: r.readonly };
        }
        return byId;
      },
      () => null,
    );
    this.snapshots = new Batcher<Snapshot, void>(async (items) => {
      for (const round of roundsOfDistinct(items, (it) => it.chargerId))
        await replaceSnapshots(
          this.sql,
          round.map(([, it]) => it),
        );
      return items.map(() => undefined);
    });
  }

  /** The registry's model (override or detected at boot); a charger never seen gets the model its identity suggests. */
  info(chargerId: string): Promise<ChargerInfo> {
    return this.infos.add(chargerId);
  }

  async models(chargerIds: string[]): Promise<Map<string, ChargerModel>> {
    const known = await this.knownInfos(chargerIds);
    return new Map(chargerIds.map((id) => [id, (known.get(id) ?? unknownCharger(id)).model]));
  }

  /** The registry's rows of these chargers (absent: never seen). */
  private async knownInfos(chargerIds: string[]): Promise<Map<string, ChargerInfo>> {
    const rows = await this.sql.query<{ charger_id: string; model: ChargerModel; connected: boolean; firmware_version: string | null }>(
      `SELECT charger_id, model, connected, firmware_version FROM config_chargers WHERE charger_id = ANY($1::text[])`,
      [chargerIds],
    );
    return new Map(rows.map((r) => [r.charger_id, { model: r.model, connected: r.connected, known: true, firmwareVersion: r.firmware_version }]));
  }

  /** Connected chargers with a ChangeConfiguration still marked pending: a reconciliation was interrupted. */
  async interruptedChargers(): Promise<string[]> {
    const rows = await this.sql.query<{ charger_id: string }>(
      `SELECT DISTINCT s.charger_id FROM config_apply_state s JOIN config_chargers c ON c.charger_id = s.charger_id
        WHERE s.outcome = 'pending' AND c.connected ORDER BY s.charger_id`,
    );
    return rows.map((r) => r.charger_id);
  }

  /** Chargers the registry holds with this model (the ones a model-level change reaches). */
  async chargersOfModel(model: ChargerModel): Promise<string[]> {
    const rows = await this.sql.query<{ charger_id: string }>(`SELECT charger_id FROM config_chargers WHERE model = $1 ORDER BY charger_id`, [model]);
    return rows.map((r) => r.charger_id);
  }

  async connectedChargers(): Promise<string[]> {
    const rows = await this.sql.query<{ charger_id: string }>(`SELECT charger_id FROM config_chargers WHERE connected ORDER BY charger_id`);
    return rows.map((r) => r.charger_id);
  }

  /** The last GetConfiguration snapshot (null: none yet); read after every reconciliation, so reads arriving together share a statement. */
  reported(chargerId: string): Promise<ReportedSnapshot | null> {
    return this.reportedReads.add(chargerId);
  }

  async reportedMany(chargerIds: string[]): Promise<Map<string, Record<string, string>>> {
    const rows = await this.sql.query<{ charger_id: string; key: string; value: string | null }>(
      `SELECT charger_id, key, value FROM config_reported WHERE charger_id = ANY($1::text[]) AND value IS NOT NULL`,
      [chargerIds],
    );
    // Entries first, one object per charger at the end: copying the object for each key was quadratic in the
    // keys (2% of the process's time in a 10k storm, 2026-11-29). fromEntries defines own properties, so a key a
    // charger reported as "__proto__" stays a key.
    const entries = new Map<string, Array<[string, string]>>();
    for (const r of rows) {
      const list = entries.get(r.charger_id);
      if (list) list.push([r.key, r.value as string]);
      else entries.set(r.charger_id, [[r.key, r.value as string]]);
    }
    return new Map([...entries].map(([id, list]) => [id, Object.fromEntries(list)]));
  }

  /**
   * Replaces the snapshot with a full GetConfiguration answer and audits every value that changed since the
   * previous snapshot as a change made at the charger (actor 'charger'); the first snapshot is a baseline, not a
   * change. Runs at every (re)connect of every charger, so snapshots arriving together are one statement.
   */
  replaceReported(chargerId: string, keys: Record<string, ReportedKey>, at: Date): Promise<void> {
    return this.snapshots.add({ chargerId, keys, at });
  }

  applyStates(chargerId: string): Promise<Record<string, ApplyStateView>> {
    return this.applyReads.add(chargerId);
  }

  /**
   * Records one key's outcome with the charger's firmware and model at the time (a refusal holds for those, issue
   * 16); with `audit`, the ChangeConfiguration is also written to the audit trail by `actor` (one statement).
   */
  async setApplyState(
    chargerId: string,
    key: string,
    desiredValue: string,
    outcome: ApplyOutcome,
    message: string | null,
    options: { on?: { firmwareVersion: string | null; model: string }; audit?: { oldValue: string | null; actor?: string } } = {},
  ): Promise<void> {
    const { on, audit } = options;
    await this.sql.execute(
      `WITH st AS (
         INSERT INTO config_apply_state (charger_id, key, desired_value, outcome, at, message, firmware_version, model) VALUES ($1, $2, $3, $4, now(), $5, $8, $9)
         ON CONFLICT (charger_id, key) DO UPDATE SET desired_value = EXCLUDED.desired_value, outcome = EXCLUDED.outcome, at = EXCLUDED.at, message = EXCLUDED.message,
           firmware_version = EXCLUDED.firmware_version, model = EXCLUDED.model)
       INSERT INTO config_audit (actor, charger_id, key, old_value, new_value, outcome)
       SELECT $10, $1, $2, $6::text, $3, $4 WHERE $7::boolean`,
      [
        chargerId,
        key,
        desiredValue,
        outcome,
        message,
        audit?.oldValue ?? null,
        audit !== undefined,
        on?.firmwareVersion ?? null,
        on?.model ?? null,
        audit?.actor ?? 'reconciler',
      ],
    );
  }

  /**
   * Forgets Rejected/NotSupported answers (all of the charger's, or `keys`): an operator asks for a retry
   * (docs/reference/design-decisions.md#refusals-remembered).
   * Returns the keys forgotten.
   */
  async forgetRefusals(chargerId: string, keys?: string[]): Promise<string[]> {
    const rows = await this.sql.query<{ key: string }>(
      // A SELECT over the DELETE: TypeORM answers a bare DELETE ... RETURNING with [rows, count].
      `WITH gone AS (
         DELETE FROM config_apply_state WHERE charger_id = $1 AND outcome IN ('Rejected', 'NotSupported') AND ($2::text[] IS NULL OR key = ANY($2::text[]))
         RETURNING key)
       SELECT key FROM gone`,
      [chargerId, keys ?? null],
    );
    return rows.map((r) => r.key).sort();
  }

  /** After a boot, RebootRequired changes took effect (or not): the next reconciliation checks them afresh. */
  clearRebootPending(chargerId: string): Promise<void> {
    return this.rebootClears.add(chargerId);
  }
}

interface Snapshot {
  chargerId: string;
  keys: Record<string, ReportedKey>;
  at: Date;
}

/**
 * One statement (atomic by itself) for the snapshots of distinct chargers: rows are upserted rather than
 * deleted and re-inserted, so an unchanged snapshot only moves its time; keys no longer reported go; the audit
 * rows are the values that differ from the previous snapshot (none for a first snapshot: nothing to join).
 */
async function replaceSnapshots(db: Sql, snaps: Snapshot[]): Promise<void> {
  const rows = snaps.flatMap((s) => Object.entries(s.keys).map(([k, v]) => ({ c: s.chargerId, k, v: v.value, r: v.readonly, at: s.at.toISOString() })));
  await db.execute(
    `WITH prev AS (SELECT charger_id, key, value FROM config_reported WHERE charger_id = ANY($1::text[]) FOR UPDATE),
     fresh AS (SELECT * FROM unnest($2::text[], $3::text[], $4::text[], $5::boolean[], $6::timestamptz[]) WITH ORDINALITY AS t(c, k, v, r, at, n)),
     gone AS (
       DELETE FROM config_reported x WHERE x.charger_id = ANY($1::text[])
          AND NOT EXISTS (SELECT 1 FROM fresh WHERE fresh.c = x.charger_id AND fresh.k = x.key)),
     kept AS (
       INSERT INTO config_reported (charger_id, key, value, readonly, reported_at)
       SELECT c, k, v, r, at FROM fresh
       ON CONFLICT (charger_id, key) DO UPDATE SET value = EXCLUDED.value, readonly = EXCLUDED.readonly, reported_at = EXCLUDED.reported_at)
     INSERT INTO config_audit (actor, charger_id, key, old_value, new_value, outcome)
     SELECT 'charger', fresh.c, fresh.k, prev.value, fresh.v, 'reported' FROM fresh JOIN prev ON prev.charger_id = fresh.c AND prev.key = fresh.k
      WHERE prev.value IS DISTINCT FROM fresh.v
      ORDER BY fresh.n`,
    [snaps.map((s) => s.chargerId), rows.map((x) => x.c), rows.map((x) => x.k), rows.map((x) => x.v), rows.map((x) => x.r), rows.map((x) => x.at)],
  );
}
