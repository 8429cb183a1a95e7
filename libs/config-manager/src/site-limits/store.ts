import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { DATA_SOURCE, keyedBatcher, sqlOf, type Batcher, type Sql } from '#csms/persistence';
import type { ConfigSiteLimitFallbacksRow, ConfigSiteLimitSessionsRow, ConfigSiteLimitsRow } from './store.rows.js';

export interface SiteLimitRow {
  group: string;
  limitA: number;
  rotationS: number;
  allocatedAt: string | null;
  updatedBy: string | null;
  createdAt: string;
  updatedAt: string;
}

/** A member of a group, with what decides whether it can be limited. */
export interface GroupMember {
  chargerId: string;
  /** null: never booted (the registry does not know it). */
  model: string | null;
  /** The charger's reported SupportedFeatureProfiles (null: never read). */
  supportedFeatureProfiles: string | null;
}

/** Current.Import per phase (A), as the last reading gave it. */
export type PhaseCurrents = Record<string, number>;

export interface SessionRow {
  chargerId: string;
  connectorId: number;
  transactionId: number;
  startedAt: string;
  state: 'new' | 'charging' | 'waiting';
  /** Amperes per phase it accepted last (null: none yet, the fallback applies). */
  offeredA: number | null;
  offeredAt: string | null;
  /** When the offer last rose. */
  raisedAt: string | null;
  selfLimited: boolean;
  runningSince: string | null;
  waitingSince: string | null;
  turns: number;
  /** Current.Import per phase of its last reading. */
  measured: PhaseCurrents | null;
  measuredA: number | null;
  measuredAt: string | null;
  lastError: string | null;
}

export interface FallbackRow {
  chargerId: string;
  limitA: number;
  outcome: string;
  sentAt: string;
}

/** What one allocation round settled for a session: written only for what the charger accepted (or needed no command). */
export interface SessionSettlement {
  state: 'charging' | 'waiting';
  offeredA: number;
  offeredAt: Date;
  raisedAt: Date;
  selfLimited: boolean;
  runningSince: Date | null;
  waitingSince: Date | null;
  turns: number;
}

const iso = (v: Date | string | null): string | null => (v === null ? null : new Date(v).toISOString());
const num = (v: number | string | null): number | null => (v === null ? null : Number(v));

type LimitDbRow = Omit<ConfigSiteLimitsRow, 'lease_until'>;
const limitRow = (r: LimitDbRow): SiteLimitRow => ({
  group: r.group_name,
  limitA: Number(r.limit_a),
  rotationS: Number(r.rotation_s),
  allocatedAt: iso(r.allocated_at),
  updatedBy: r.updated_by,
  createdAt: iso(r.created_at)!,
  updatedAt: iso(r.updated_at)!,
});
const LIMIT_COLUMNS = 'group_name, limit_a, rotation_s, allocated_at, updated_by, created_at, updated_at';

type SessionDbRow = Omit<ConfigSiteLimitSessionsRow, 'measured'> & { measured: PhaseCurrents | null };
const sessionRow = (r: SessionDbRow): SessionRow => ({
  chargerId: r.charger_id,
  connectorId: Number(r.connector_id),
  transactionId: Number(r.transaction_id),
  startedAt: iso(r.started_at)!,
  state: r.state,
  offeredA: num(r.offered_a),
  offeredAt: iso(r.offered_at),
  raisedAt: iso(r.raised_at),
  selfLimited: r.self_limited,
  runningSince: iso(r.running_since),
  waitingSince: iso(r.waiting_since),
  turns: Number(r.turns),
  measured: r.measured,
  measuredA: num(r.measured_a),
  measuredAt: iso(r.measured_at),
  lastError: r.last_error,
});

/**
 * The site limits' rows (config_site_limits, config_site_limit_sessions, config_site_limit_fallbacks). Sessions are
 * kept only for members of limited groups: the events of every other charger cost one lookup per batch.
 */
@Injectable()
export class SiteLimitStore {
  private readonly sql: Sql;
  /** Every boot asks for its charger's limited group: in a reconnect storm those asks share statements. */
  private readonly limitedGroups: Batcher<string, string | undefined>;

  constructor(@Inject(DATA_SOURCE) db: DataSource) {
    this.sql = sqlOf(db);
    this.limitedGroups = keyedBatcher<string | undefined>(
      (ids) => this.limitedGroupsOf(ids),
      () => undefined,
      { name: 'site limit groups' },
    );
  }

  async groupExists(group: string): Promise<boolean> {
    return (await this.sql.query(`SELECT 1 FROM config_groups WHERE name = $1`, [group])).length > 0;
  }

  async get(group: string): Promise<SiteLimitRow | null> {
    const rows = await this.sql.query<LimitDbRow>(`SELECT ${LIMIT_COLUMNS} FROM config_site_limits WHERE group_name = $1`, [group]);
    return rows[0] ? limitRow(rows[0]) : null;
  }

  async put(group: string, limitA: number, rotationS: number, actor: string | null): Promise<SiteLimitRow> {
    const rows = await this.sql.query<LimitDbRow>(
      `INSERT INTO config_site_limits (group_name, limit_a, rotation_s, updated_by) VALUES ($1, $2, $3, $4)
       ON CONFLICT (group_name) DO UPDATE SET limit_a = EXCLUDED.limit_a, rotation_s = EXCLUDED.rotation_s, updated_by = EXCLUDED.updated_by, updated_at = now()
       RETURNING ${LIMIT_COLUMNS}`,
      [group, limitA, rotationS, actor],
    );
    return limitRow(rows[0]!);
  }

  /** Removes the limit and what was kept for it; true when there was one. */
  async remove(group: string): Promise<boolean> {
    const gone = await this.sql.query<Pick<ConfigSiteLimitsRow, 'group_name'>>(`DELETE FROM config_site_limits WHERE group_name = $1 RETURNING group_name`, [
      group,
    ]);
    await this.sql.execute(`DELETE FROM config_site_limit_fallbacks WHERE group_name = $1`, [group]);
    await this.sql.execute(`DELETE FROM config_site_limit_sessions WHERE charger_id IN (SELECT charger_id FROM config_group_members WHERE group_name = $1)`, [
      group,
    ]);
    return gone.length > 0;
  }

  /** Every limited group. */
  async groups(): Promise<string[]> {
    const rows = await this.sql.query<Pick<ConfigSiteLimitsRow, 'group_name'>>(`SELECT group_name FROM config_site_limits ORDER BY group_name`);
    return rows.map((r) => r.group_name);
  }

  async members(group: string): Promise<GroupMember[]> {
    const rows = await this.sql.query<{ charger_id: string; model: string | null; profiles: string | null }>(
      `SELECT m.charger_id, COALESCE(c.model_override, c.model) AS model,
         (SELECT r.value FROM config_reported r WHERE r.charger_id = m.charger_id AND r.key = 'SupportedFeatureProfiles') AS profiles
       FROM config_group_members m LEFT JOIN config_chargers c ON c.charger_id = m.charger_id
       WHERE m.group_name = $1 ORDER BY m.charger_id`,
      [group],
    );
    return rows.map((r) => ({ chargerId: r.charger_id, model: r.model, supportedFeatureProfiles: r.profiles }));
  }

  /** The limited group of one charger, if it is in one (read after the call, batched with other chargers'). */
  limitedGroupOf(chargerId: string): Promise<string | undefined> {
    return this.limitedGroups.add(chargerId);
  }

  /** The limited group of each of these chargers that is in one. */
  async limitedGroupsOf(chargerIds: string[]): Promise<Map<string, string>> {
    if (chargerIds.length === 0) return new Map();
    const rows = await this.sql.query<{ charger_id: string; group_name: string }>(
      `SELECT m.charger_id, m.group_name FROM config_group_members m JOIN config_site_limits l ON l.group_name = m.group_name
       WHERE m.charger_id = ANY($1::text[])`,
      [chargerIds],
    );
    return new Map(rows.map((r) => [r.charger_id, r.group_name]));
  }

  /** A transaction started (a newer one on the same connector replaces a session whose stop was lost). */
  async startSession(chargerId: string, connectorId: number, transactionId: number, startedAt: string): Promise<void> {
    await this.sql.execute(
      `INSERT INTO config_site_limit_sessions (charger_id, connector_id, transaction_id, started_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (charger_id, connector_id) DO UPDATE SET transaction_id = EXCLUDED.transaction_id, started_at = EXCLUDED.started_at,
         state = 'new', offered_a = NULL, offered_at = NULL, raised_at = NULL, self_limited = false, running_since = NULL, waiting_since = NULL, turns = 0,
         measured = NULL, measured_a = NULL, measured_at = NULL, last_error = NULL
       WHERE config_site_limit_sessions.transaction_id <> EXCLUDED.transaction_id`,
      [chargerId, connectorId, transactionId, startedAt],
    );
  }

  /** True when the transaction had a session. */
  async stopSession(chargerId: string, transactionId: number): Promise<boolean> {
    const gone = await this.sql.query<Pick<ConfigSiteLimitSessionsRow, 'charger_id'>>(
      `DELETE FROM config_site_limit_sessions WHERE charger_id = $1 AND transaction_id = $2 RETURNING charger_id`,
      [chargerId, transactionId],
    );
    return gone.length > 0;
  }

  /**
   * Keeps the newest reading of a connector's running transaction. A reading naming a transaction we have no session
   * for opens one (the charger joined a limited group while charging, or its start was consumed before the limit).
   */
  async recordMeasurement(chargerId: string, connectorId: number, transactionId: number | null, phases: PhaseCurrents, at: string): Promise<void> {
    const maxA = Math.max(...Object.values(phases));
    if (transactionId !== null) {
      await this.sql.execute(
        `INSERT INTO config_site_limit_sessions (charger_id, connector_id, transaction_id, started_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (charger_id, connector_id) DO NOTHING`,
        [chargerId, connectorId, transactionId, at],
      );
    }
    await this.sql.execute(
      `UPDATE config_site_limit_sessions SET measured = $4::jsonb, measured_a = $5, measured_at = $6
       WHERE charger_id = $1 AND connector_id = $2 AND ($3::integer IS NULL OR transaction_id = $3) AND (measured_at IS NULL OR measured_at <= $6)`,
      [chargerId, connectorId, transactionId, JSON.stringify(phases), maxA, at],
    );
  }

  async sessions(group: string): Promise<SessionRow[]> {
    const rows = await this.sql.query<SessionDbRow>(
      `SELECT s.* FROM config_site_limit_sessions s JOIN config_group_members m ON m.charger_id = s.charger_id
       WHERE m.group_name = $1 ORDER BY s.started_at, s.charger_id, s.connector_id`,
      [group],
    );
    return rows.map(sessionRow);
  }

  /** One replica allocates a group at a time: the limit, when this one may. */
  async claim(group: string, leaseMs: number): Promise<SiteLimitRow | null> {
    const rows = await this.sql.query<LimitDbRow>(
      `UPDATE config_site_limits SET lease_until = now() + make_interval(secs => $2::double precision / 1000)
       WHERE group_name = $1 AND (lease_until IS NULL OR lease_until < now()) RETURNING ${LIMIT_COLUMNS}`,
      [group, leaseMs],
    );
    return rows[0] ? limitRow(rows[0]) : null;
  }

  async release(group: string): Promise<void> {
    await this.sql.execute(`UPDATE config_site_limits SET lease_until = NULL, allocated_at = now() WHERE group_name = $1`, [group]);
  }

  async settle(chargerId: string, connectorId: number, transactionId: number, s: SessionSettlement): Promise<void> {
    await this.sql.execute(
      `UPDATE config_site_limit_sessions SET state = $4, offered_a = $5, offered_at = $6, self_limited = $7, running_since = $8, waiting_since = $9,
         turns = $10, raised_at = $11, last_error = NULL
       WHERE charger_id = $1 AND connector_id = $2 AND transaction_id = $3`,
      [chargerId, connectorId, transactionId, s.state, s.offeredA, s.offeredAt, s.selfLimited, s.runningSince, s.waitingSince, s.turns, s.raisedAt],
    );
  }

  async noteError(chargerId: string, connectorId: number, transactionId: number, error: string): Promise<void> {
    await this.sql.execute(`UPDATE config_site_limit_sessions SET last_error = $4 WHERE charger_id = $1 AND connector_id = $2 AND transaction_id = $3`, [
      chargerId,
      connectorId,
      transactionId,
      error,
    ]);
  }

  async fallbacks(group: string): Promise<Map<string, FallbackRow>> {
    const rows = await this.sql.query<Omit<ConfigSiteLimitFallbacksRow, 'group_name'>>(
      `SELECT charger_id, limit_a, outcome, sent_at FROM config_site_limit_fallbacks WHERE group_name = $1`,
      [group],
    );
    return new Map(rows.map((r) => [r.charger_id, { chargerId: r.charger_id, limitA: Number(r.limit_a), outcome: r.outcome, sentAt: iso(r.sent_at)! }]));
  }

  async saveFallback(chargerId: string, group: string, limitA: number, outcome: string): Promise<void> {
    await this.sql.execute(
      `INSERT INTO config_site_limit_fallbacks (charger_id, group_name, limit_a, outcome) VALUES ($1, $2, $3, $4)
       ON CONFLICT (charger_id) DO UPDATE SET group_name = EXCLUDED.group_name, limit_a = EXCLUDED.limit_a, outcome = EXCLUDED.outcome, sent_at = now()`,
      [chargerId, group, limitA, outcome],
    );
  }

  /** A charger left the group, or the limit went: its fallback is no longer ours to keep. */
  async forgetFallback(chargerId: string): Promise<void> {
    await this.sql.execute(`DELETE FROM config_site_limit_fallbacks WHERE charger_id = $1`, [chargerId]);
  }
}
