import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { DATA_SOURCE, keyedBatcher, sqlOf, type Batcher, type Sql } from '#csms/persistence';
import type { SendLocalListRequest } from '#csms/ocpp';
import type { AuthChargersRow, LocalListOutcome } from './charger-registry.service.rows.js';
import { chargerRowsByIds } from './charger-rows.js';
import { canonicalIdentity } from './zaptec.js';

export type LocalListEntry = NonNullable<SendLocalListRequest['localAuthorizationList']>[number];

/** What auth knows about one charger's local authorization list. */
export interface LocalListState {
  chargerId: string;
  group: string | null;
  /** listVersion of the last SendLocalList the charger Accepted (0: none yet). */
  listVersion: number;
  outcome: LocalListOutcome | null;
  detail: string | null;
  updatedAt: string | null;
  sendLocalListMaxLength: number | null;
  localAuthListMaxLength: number | null;
}

type Row = Record<string, unknown>;
const intOrNull = (v: unknown): number | null => (v == null ? null : Number(v));

const toState = (r: AuthChargersRow): LocalListState => ({
  chargerId: r.charger_id,
  group: r.auth_group ?? null,
  listVersion: Number(r.local_list_version ?? 0),
  outcome: r.local_list_outcome ?? null,
  detail: r.local_list_detail ?? null,
  updatedAt: r.local_list_updated_at == null ? null : new Date(r.local_list_updated_at).toISOString(),
  sendLocalListMaxLength: intOrNull(r.send_local_list_max_length),
  localAuthListMaxLength: intOrNull(r.local_auth_list_max_length),
});

const toEntry = (r: Row): LocalListEntry => ({
  idTag: r.id_tag as string,
  idTagInfo: {
    status: r.status as 'Accepted' | 'Blocked' | 'Expired' | 'Invalid',
    ...(r.expiry_date != null ? { expiryDate: new Date(r.expiry_date as string).toISOString() } : {}),
    ...(r.parent_id_tag ? { parentIdTag: r.parent_id_tag as string } : {}),
  },
});

/** The SQL side of the local authorization list (auth_chargers columns and the idTags of a group). */
@Injectable()
export class LocalAuthListStore {
  private readonly sql: Sql;
  /**
   * Every connection event reads its charger's state: in a reconnect storm those reads share statements (the
   * Batcher reads after the call, so a read right after a write sees it).
   */
  private readonly states: Batcher<string, LocalListState | undefined>;

  constructor(@Inject(DATA_SOURCE) db: DataSource) {
    this.sql = sqlOf(db);
    this.states = keyedBatcher<LocalListState | undefined>(
      async (ids) => new Map([...(await chargerRowsByIds(this.sql, ids))].map(([id, r]) => [id, toState(r)])),
      () => undefined,
      { name: 'auth local list states' },
    );
  }

  state(chargerId: string): Promise<LocalListState | undefined> {
    return this.states.add(canonicalIdentity(chargerId));
  }

  async setGroup(chargerId: string, group: string | null): Promise<boolean> {
    const rows = await this.sql.query(`UPDATE auth_chargers SET auth_group = $2 WHERE charger_id = $1 RETURNING charger_id`, [
      canonicalIdentity(chargerId),
      group,
    ]);
    return rows.length === 1;
  }

  async chargersOfGroup(group: string): Promise<string[]> {
    const rows = await this.sql.query<{ charger_id: string }>(`SELECT charger_id FROM auth_chargers WHERE auth_group = $1 ORDER BY charger_id`, [group]);
    return rows.map((r) => r.charger_id);
  }

  /** The group's idTags as list entries, with their stored status: the charger itself judges expiryDate. */
  async entriesOfGroup(group: string | null): Promise<LocalListEntry[]> {
    if (group === null) return [];
    const rows = await this.sql.query<Row>(`SELECT * FROM auth_id_tags WHERE group_name = $1 ORDER BY id_tag`, [group]);
    return rows.map(toEntry);
  }

  /** One tag as a list entry, when it is (still) in the group. */
  async entryOf(group: string, idTag: string): Promise<LocalListEntry | undefined> {
    const rows = await this.sql.query<Row>(`SELECT * FROM auth_id_tags WHERE group_name = $1 AND lower(id_tag) = lower($2)`, [group, idTag]);
    return rows[0] ? toEntry(rows[0]) : undefined;
  }

  async countOfGroup(group: string): Promise<number> {
    const rows = await this.sql.query<{ n: string | number }>(`SELECT count(*) AS n FROM auth_id_tags WHERE group_name = $1`, [group]);
    return Number(rows[0]?.n ?? 0);
  }

  async setLimits(chargerId: string, sendLocalListMaxLength: number | null, localAuthListMaxLength: number | null): Promise<void> {
    await this.sql.execute(
      `UPDATE auth_chargers SET send_local_list_max_length = $2, local_auth_list_max_length = $3 WHERE charger_id = $1 RETURNING charger_id`,
      [chargerId, sendLocalListMaxLength, localAuthListMaxLength],
    );
  }

  /** Records an attempt; `version` only when the charger now holds a list of that version. */
  async record(chargerId: string, outcome: LocalListOutcome, detail: string | null, version?: number): Promise<void> {
    await this.sql.execute(
      `UPDATE auth_chargers SET local_list_outcome = $2, local_list_detail = $3, local_list_version = COALESCE($4, local_list_version),
              local_list_updated_at = now() WHERE charger_id = $1 RETURNING charger_id`,
      [chargerId, outcome, detail, version ?? null],
    );
  }
}
