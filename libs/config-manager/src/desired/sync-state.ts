/**
 * Each charger's configuration sync state (in-sync, drift, refused, unknown), kept in `config_sync_state`
 * after every reconciliation, and told to live dashboards as ConfigurationApplied facts: one per key the run
 * sent (its ChangeConfiguration outcome), or one for the charger when nothing was sent but its state changed.
 * The charger list's `drift` filter and the fleet summary count the table in SQL.
 */
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { Batcher, DATA_SOURCE, roundsOfDistinct, sqlOf, type Sql } from '#csms/persistence';
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

/** One charger's state to store. */
export interface SyncStateWrite {
  chargerId: string;
  state: ConfigurationSyncState;
  driftedKeys: string[];
}

/**
 * Stores the states, one statement per round of distinct chargers, and answers each write with the state its
 * charger had before it (null: none stored). A charger written twice in one batch gets two rounds, so the second
 * sees the first as its state before.
 */
export async function storeSyncStates(sql: Sql, writes: SyncStateWrite[]): Promise<Array<string | null>> {
  const before: Array<string | null> = writes.map(() => null);
  for (const round of roundsOfDistinct(writes, (w) => w.chargerId)) {
    // The CTE reads the states as they were before the upsert (both see the statement's snapshot). Drifted keys
    // go as one JSON array per charger: unnest cannot take arrays of different lengths.
    const rows = await sql.query<{ charger_id: string; before: string | null }>(
      `WITH input AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) AS t(charger_id, state, drifted)),
            prior AS (SELECT charger_id, state FROM config_sync_state WHERE charger_id = ANY($1::text[]))
       INSERT INTO config_sync_state (charger_id, state, drifted_keys, updated_at)
       SELECT charger_id, state, ARRAY(SELECT jsonb_array_elements_text(drifted::jsonb)), now() FROM input
       ON CONFLICT (charger_id) DO UPDATE SET state = EXCLUDED.state, drifted_keys = EXCLUDED.drifted_keys, updated_at = now()
       RETURNING charger_id, (SELECT p.state FROM prior p WHERE p.charger_id = config_sync_state.charger_id) AS before`,
      [round.map(([, w]) => w.chargerId), round.map(([, w]) => w.state), round.map(([, w]) => JSON.stringify(w.driftedKeys))],
    );
    const byId = new Map(rows.map((r) => [r.charger_id, r.before]));
    for (const [i, w] of round) before[i] = byId.get(w.chargerId) ?? null;
  }
  return before;
}

@Injectable()
export class SyncStateTracker {
  /** Every reconciliation of every charger ends here: when a fleet reconnects, writes arriving together share a statement. */
  private readonly writes: Batcher<SyncStateWrite, string | null>;

  constructor(
    @Inject(DATA_SOURCE) db: DataSource,
    @Inject(DesiredService) private readonly desired: DesiredService,
    @Inject(BUS) private readonly bus: Bus,
    @Optional() private readonly log: Pick<Logger, 'warn'> = new Logger('SyncState'),
  ) {
    const sql = sqlOf(db);
    this.writes = new Batcher((items) => storeSyncStates(sql, items), { name: 'db batch config_sync_state' });
  }

  /** After a reconciliation run: store the state, tell dashboards. Never throws (a run's result stands). */
  async afterRun(result: ReconcileResult): Promise<void> {
    try {
      const view = await this.desired.getCharger(result.chargerId);
      if (!view.ok) return;
      const { state, driftedKeys } = syncStateOf(view.data);
      const before = await this.writes.add({ chargerId: result.chargerId, state, driftedKeys });
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
      if (facts.length === 0 && before !== state) {
        facts.push({ chargerId: result.chargerId, key: null, value: null, outcome: state, state, driftedKeys, at });
      }
      for (const fact of facts) await recordFact(this.bus, result.chargerId, 'ConfigurationApplied', fact);
    } catch (err) {
      this.log.warn(`sync state of ${result.chargerId} not stored: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}
