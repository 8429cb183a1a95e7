/**
 * Each charger's configuration sync state (in-sync, drift, refused, unknown), kept in `config_sync_state`
 * after every reconciliation, and told to live dashboards as ConfigurationApplied facts: one per key the run
 * sent (its ChangeConfiguration outcome), or one for the charger when nothing was sent but its state changed.
 * The charger list's `drift` filter and the fleet summary count the table in SQL.
 */
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { DATA_SOURCE, sqlOf, type Sql } from '#csms/persistence';
import type { DataSource } from 'typeorm';
import { BUS, recordFact, type Bus, type ConfigurationAppliedFact, type ConfigurationSyncState } from '#csms/bus';
import { DesiredService, type ChargerConfigurationView } from './desired.service.js';
import type { KeyDrift } from './effective.js';
import type { ReconcileResult } from './reconciler.js';

const REFUSED_OUTCOMES = new Set(['Rejected', 'NotSupported']);

/** The state of a charger from its drift (the same drift GET /chargers/:id/configuration shows). */
export function syncStateOf(view: Pick<ChargerConfigurationView, 'reported' | 'drift'>): { state: ConfigurationSyncState; driftedKeys: string[] } {
  const drifted = view.drift.filter((d: KeyDrift) => d.state !== 'in-sync' && d.state !== 'unknown');
  const driftedKeys = drifted.map((d) => d.key);
  // Refused: the charger answered Rejected/NotSupported to the value it should hold (effective.ts computeDrift).
  // A key the charger refused is remembered as `refused` (not resent until something changes).
  if (
    drifted.some(
      (d) =>
        d.state === 'refused' ||
        (d.state === 'drifted' && d.lastOutcome !== undefined && REFUSED_OUTCOMES.has(d.lastOutcome) && d.reason?.startsWith('the charger answered')),
    )
  ) {
    return { state: 'refused', driftedKeys };
  }
  if (drifted.length > 0) return { state: 'drift', driftedKeys };
  if (view.reported === null && view.drift.length > 0) return { state: 'unknown', driftedKeys };
  return { state: 'in-sync', driftedKeys };
}

@Injectable()
export class SyncStateTracker {
  private readonly sql: Sql;

  constructor(
    @Inject(DATA_SOURCE) db: DataSource,
    @Inject(DesiredService) private readonly desired: DesiredService,
    @Inject(BUS) private readonly bus: Bus,
    @Optional() private readonly log: Pick<Logger, 'warn'> = new Logger('SyncState'),
  ) {
    this.sql = sqlOf(db);
  }

  /** After a reconciliation run: store the state, tell dashboards. Never throws (a run's result stands). */
  async afterRun(result: ReconcileResult): Promise<void> {
    try {
      const view = await this.desired.getCharger(result.chargerId);
      if (!view.ok) return;
      const { state, driftedKeys } = syncStateOf(view.data);
      // One statement: the CTE reads the state as it was before the upsert (both see the statement's snapshot).
      const [stored] = await this.sql.query<{ before: string | null }>(
        `WITH prior AS (SELECT state FROM config_sync_state WHERE charger_id = $1)
         INSERT INTO config_sync_state (charger_id, state, drifted_keys, updated_at) VALUES ($1, $2, $3::text[], now())
         ON CONFLICT (charger_id) DO UPDATE SET state = EXCLUDED.state, drifted_keys = EXCLUDED.drifted_keys, updated_at = now()
         RETURNING (SELECT state FROM prior) AS before`,
        [result.chargerId, state, driftedKeys],
      );
      const at = new Date().toISOString();
      const facts: ConfigurationAppliedFact[] = result.sent.map((s) => ({
        chargerId: result.chargerId,
        key: s.key,
        value: s.value,
        outcome: s.outcome,
        ...(s.message ? { message: s.message } : {}),
        state,
        driftedKeys,
        at,
      }));
      if (facts.length === 0 && stored?.before !== state) {
        facts.push({ chargerId: result.chargerId, key: null, value: null, outcome: state, state, driftedKeys, at });
      }
      for (const fact of facts) await recordFact(this.bus, result.chargerId, 'ConfigurationApplied', fact);
    } catch (err) {
      this.log.warn(`sync state of ${result.chargerId} not stored: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}
