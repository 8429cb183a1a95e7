import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { DATA_SOURCE, keyedBatcher, sqlOf, type Batcher, type Sql } from '#csms/persistence';
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

const unknownFacts = (): ChargerFacts => ({ known: false, model: 'generic', connected: false, lastStartAt: null, reported: {} });

/** Desired charging profiles and per-charger outcomes (tables of migration.ts). */
@Injectable()
export class ChargingProfileStore {
  private readonly groups: DesiredStore;

  private readonly sql: Sql;
  /**
   * What each charger's profile reconciliation reads (after every connect and boot): when a fleet reconnects,
   * the reads arriving together share one statement each (see Batcher).
   */
  private readonly factReads: Batcher<string, ChargerFacts>;
  private readonly stateReads: Batcher<string, Map<number, ProfileStateView>>;
  private readonly groupReads: Batcher<string, string | null>;
  private readonly ownReads: Batcher<string, StoredProfile[]>;

  constructor(@Inject(DATA_SOURCE) db: DataSource) {
    this.sql = sqlOf(db);
    this.groups = new DesiredStore(db);
    this.factReads = keyedBatcher((ids) => this.factsOf(ids), unknownFacts);
    this.stateReads = keyedBatcher(
      async (ids) => {
        const rows = await this.sql.query<ConfigChargingProfileStateRow>(
          `SELECT charger_id, charging_profile_id, action, profile_hash, outcome, message, at FROM config_charging_profile_state
            WHERE charger_id = ANY($1::text[]) ORDER BY charger_id, charging_profile_id`,
          [ids],
        );
        const byId = new Map<string, Map<number, ProfileStateView>>();
        for (const r of rows) {
          const states = byId.get(r.charger_id) ?? new Map<number, ProfileStateView>();
          states.set(r.charging_profile_id, {
            chargingProfileId: r.charging_profile_id,
            action: r.action,
            profileHash: r.profile_hash,
            outcome: r.outcome,
            message: r.message,
            at: new Date(r.at).toISOString(),
          });
          byId.set(r.charger_id, states);
        }
        return byId;
      },
      () => new Map(),
    );
    this.groupReads = keyedBatcher(
      async (ids) => {
        const rows = await this.sql.query<{ charger_id: string; group_name: string }>(
          `SELECT charger_id, group_name FROM config_group_members WHERE charger_id = ANY($1::text[])`,
          [ids],
        );
        return new Map(rows.map((r) => [r.charger_id, r.group_name]));
      },
      () => null,
    );
    this.ownReads = keyedBatcher(
      async (ids) => {
        const rows = await this.sql.query<ProfileRow>(
          `SELECT scope, scope_id, connector_id, profile, updated_at, updated_by FROM config_charging_profiles
            WHERE scope = 'charger' AND scope_id = ANY($1::text[]) ORDER BY scope_id, charging_profile_id`,
          [ids],
        );
        const byId = new Map<string, StoredProfile[]>();
        for (const r of rows) byId.set(r.scope_id, [...(byId.get(r.scope_id) ?? []), view(r)]);
        return byId;
      },
      () => [],
    );
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
    return this.groupReads.add(chargerId);
  }

  members(group: string): Promise<string[]> {
    return this.groups.members(group);
  }

  groupExists(group: string): Promise<boolean> {
    return this.groups.groupExists(group);
  }

  /** The group's and the charger's own profiles, merged (effectiveProfiles). */
  async forCharger(chargerId: string): Promise<{ group: string | null; own: StoredProfile[]; groupProfiles: StoredProfile[] }> {
    const [group, own] = await Promise.all([this.groupOf(chargerId), this.ownReads.add(chargerId)]);
    return { group, own, groupProfiles: group === null ? [] : await this.level('group', group) };
  }

  facts(chargerId: string): Promise<ChargerFacts> {
    return this.factReads.add(chargerId);
  }

  /** Every charger asked about, known or not: an unknown one may still have reported keys. */
  private async factsOf(chargerIds: string[]): Promise<Map<string, ChargerFacts>> {
    const rows = await this.sql.query<{
      id: string;
      known: boolean;
      model: string | null;
      connected: boolean | null;
      boot_at: Date | null;
      connected_at: Date | null;
      reported: Record<string, string> | null;
    }>(
      `SELECT i.id, c.charger_id IS NOT NULL AS known, c.model, c.connected, c.boot_at, c.connected_at,
              (SELECT jsonb_object_agg(r.key, r.value) FROM config_reported r WHERE r.charger_id = i.id AND r.value IS NOT NULL) AS reported
         FROM unnest($1::text[]) AS i(id) LEFT JOIN config_chargers c ON c.charger_id = i.id`,
      [chargerIds],
    );
    return new Map(
      rows.map((r) => {
        const reported = r.reported ?? {};
        if (!r.known) return [r.id, { ...unknownFacts(), reported }];
        const starts = [r.boot_at, r.connected_at].filter((d): d is Date => d !== null).map((d) => new Date(d).getTime());
        return [
          r.id,
          {
            known: true,
            model: r.model as string,
            connected: r.connected === true,
            lastStartAt: starts.length > 0 ? new Date(Math.max(...starts)) : null,
            reported,
          },
        ];
      }),
    );
  }

  states(chargerId: string): Promise<Map<number, ProfileStateView>> {
    return this.stateReads.add(chargerId);
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
