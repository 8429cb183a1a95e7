import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { DATA_SOURCE, sqlOf, type Sql } from '#csms/persistence';
import { DesiredStore } from '../desired/desired-store.js';
import type { ConfigChargingProfilesRow, ConfigChargingProfileStateRow } from './store.rows.js';
import { slotOf } from './validation.js';
import type { ProfileInput, ProfileOutcome, ProfileScope, StoredProfile } from './types.js';

type ProfileRow = Omit<ConfigChargingProfilesRow, 'charging_profile_id'>;

export interface ProfileStateView {
  chargingProfileId: number;
  action: 'set' | 'clear';
  profileHash: string;
  outcome: ProfileOutcome;
  message: string | null;
  at: string;
}

/** What the reconciliation needs to know about a charger. */
export interface ChargerFacts {
  known: boolean;
  model: string;
  connected: boolean;
  /** The newest of its last BootNotification and its last connection: profiles Accepted before may be gone. */
  lastStartAt: Date | null;
  reported: Record<string, string>;
}

/** Identifies what was sent: a changed profile (same id) is sent again. */
export function profileHash(p: ProfileInput): string {
  return createHash('sha256')
    .update(JSON.stringify([p.connectorId, p.csChargingProfiles]))
    .digest('hex')
    .slice(0, 16);
}

const view = (r: ProfileRow): StoredProfile => ({
  scope: r.scope,
  scopeId: r.scope_id,
  connectorId: r.connector_id,
  csChargingProfiles: r.profile,
  updatedAt: new Date(r.updated_at).toISOString(),
  updatedBy: r.updated_by,
});

/**
 * The profiles a charger should hold: its group's, then its own. Its own profile replaces a group profile with the same
 * chargingProfileId or in the same (connectorId, purpose, stackLevel) slot, as a charger-level key overrides a
 * group-level one in the desired configuration; the replaced profile is listed in `shadowed`.
 */
export function effectiveProfiles(group: StoredProfile[], own: StoredProfile[]): { effective: StoredProfile[]; shadowed: StoredProfile[] } {
  const ids = new Set(own.map((p) => p.csChargingProfiles.chargingProfileId));
  const slots = new Set(own.map(slotOf));
  const shadowed = group.filter((p) => ids.has(p.csChargingProfiles.chargingProfileId) || slots.has(slotOf(p)));
  return { effective: [...group.filter((p) => !shadowed.includes(p)), ...own], shadowed };
}

/** Desired charging profiles and per-charger outcomes (tables of migration.ts). */
@Injectable()
export class ChargingProfileStore {
  private readonly groups: DesiredStore;

  private readonly sql: Sql;

  constructor(@Inject(DATA_SOURCE) db: DataSource) {
    this.sql = sqlOf(db);
    this.groups = new DesiredStore(db);
  }

  async level(scope: ProfileScope, scopeId: string, sql: Sql = this.sql): Promise<StoredProfile[]> {
    const rows = await sql.query<ProfileRow>(
      `SELECT scope, scope_id, connector_id, profile, updated_at, updated_by FROM config_charging_profiles
        WHERE scope = $1 AND scope_id = $2 ORDER BY charging_profile_id`,
      [scope, scopeId],
    );
    return rows.map(view);
  }

  /** Makes `profiles` the whole level; returns the ids that left it. */
  async replaceLevel(scope: ProfileScope, scopeId: string, profiles: ProfileInput[], actor: string): Promise<number[]> {
    return this.sql.transaction(async (tx) => {
      if (scope === 'group') await tx.execute(`INSERT INTO config_groups (name) VALUES ($1) ON CONFLICT (name) DO NOTHING`, [scopeId]);
      const before = (await this.level(scope, scopeId, tx)).map((p) => p.csChargingProfiles.chargingProfileId);
      await tx.execute(`DELETE FROM config_charging_profiles WHERE scope = $1 AND scope_id = $2`, [scope, scopeId]);
      for (const p of profiles) {
        await tx.execute(
          `INSERT INTO config_charging_profiles (scope, scope_id, charging_profile_id, connector_id, profile, updated_by) VALUES ($1, $2, $3, $4, $5::jsonb, $6)`,
          [scope, scopeId, p.csChargingProfiles.chargingProfileId, p.connectorId, JSON.stringify(p.csChargingProfiles), actor],
        );
      }
      const now = new Set(profiles.map((p) => p.csChargingProfiles.chargingProfileId));
      return before.filter((id) => !now.has(id));
    });
  }

  async deleteOne(scope: ProfileScope, scopeId: string, chargingProfileId: number): Promise<boolean> {
    const rows = await this.sql.query<Pick<ConfigChargingProfilesRow, 'charging_profile_id'>>(
      `DELETE FROM config_charging_profiles WHERE scope = $1 AND scope_id = $2 AND charging_profile_id = $3 RETURNING charging_profile_id`,
      [scope, scopeId, chargingProfileId],
    );
    return rows.length > 0;
  }

  /** The desired configuration's groups: one membership for both. */
  groupOf(chargerId: string): Promise<string | null> {
    return this.groups.groupOf(chargerId);
  }

  members(group: string): Promise<string[]> {
    return this.groups.members(group);
  }

  groupExists(group: string): Promise<boolean> {
    return this.groups.groupExists(group);
  }

  /** The group's and the charger's own profiles, merged (effectiveProfiles). */
  async forCharger(chargerId: string): Promise<{ group: string | null; own: StoredProfile[]; groupProfiles: StoredProfile[] }> {
    const group = await this.groupOf(chargerId);
    return { group, own: await this.level('charger', chargerId), groupProfiles: group === null ? [] : await this.level('group', group) };
  }

  async facts(chargerId: string): Promise<ChargerFacts> {
    const rows = await this.sql.query<{ model: string; connected: boolean; boot_at: Date | null; connected_at: Date | null }>(
      `SELECT model, connected, boot_at, connected_at FROM config_chargers WHERE charger_id = $1`,
      [chargerId],
    );
    const keys = await this.sql.query<{ key: string; value: string }>(`SELECT key, value FROM config_reported WHERE charger_id = $1 AND value IS NOT NULL`, [
      chargerId,
    ]);
    const reported = Object.fromEntries(keys.map((k) => [k.key, k.value]));
    const r = rows[0];
    if (!r) return { known: false, model: 'generic', connected: false, lastStartAt: null, reported };
    const starts = [r.boot_at, r.connected_at].filter((d): d is Date => d !== null).map((d) => new Date(d).getTime());
    return { known: true, model: r.model, connected: r.connected, lastStartAt: starts.length > 0 ? new Date(Math.max(...starts)) : null, reported };
  }

  async states(chargerId: string): Promise<Map<number, ProfileStateView>> {
    const rows = await this.sql.query<Omit<ConfigChargingProfileStateRow, 'charger_id'>>(
      `SELECT charging_profile_id, action, profile_hash, outcome, message, at FROM config_charging_profile_state WHERE charger_id = $1 ORDER BY charging_profile_id`,
      [chargerId],
    );
    return new Map(
      rows.map((r) => [
        r.charging_profile_id,
        {
          chargingProfileId: r.charging_profile_id,
          action: r.action,
          profileHash: r.profile_hash,
          outcome: r.outcome,
          message: r.message,
          at: new Date(r.at).toISOString(),
        },
      ]),
    );
  }

  async setState(
    chargerId: string,
    chargingProfileId: number,
    action: 'set' | 'clear',
    hash: string,
    outcome: ProfileOutcome,
    message: string | null,
  ): Promise<void> {
    await this.sql.execute(
      `INSERT INTO config_charging_profile_state (charger_id, charging_profile_id, action, profile_hash, outcome, message, at) VALUES ($1, $2, $3, $4, $5, $6, now())
       ON CONFLICT (charger_id, charging_profile_id) DO UPDATE SET action = EXCLUDED.action, profile_hash = EXCLUDED.profile_hash,
         outcome = EXCLUDED.outcome, message = EXCLUDED.message, at = now()`,
      [chargerId, chargingProfileId, action, hash, outcome, message],
    );
  }

  async deleteState(chargerId: string, chargingProfileId: number): Promise<void> {
    await this.sql.execute(`DELETE FROM config_charging_profile_state WHERE charger_id = $1 AND charging_profile_id = $2`, [chargerId, chargingProfileId]);
  }
}
