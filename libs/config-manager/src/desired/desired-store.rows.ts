import { describeTable } from '#csms/persistence';

/* The tables this store owns: its row types and their columns (libs/persistence/README.md). */

/**
 * The levels of desired configuration, least specific first: fleet < model < group < charger
 * (docs/reference/design-decisions.md#desired-configuration).
 */
export type DesiredScope = 'fleet' | 'model' | 'group' | 'charger';
export const DESIRED_SCOPES: readonly DesiredScope[] = ['fleet', 'model', 'group', 'charger'];

/**
 * One desired key at one level. Fleet rows have scope_id ''. Values are OCPP strings
 * (docs/reference/protocol-notes.md#configuration-keys).
 */
export interface ConfigDesiredRow {
  scope: DesiredScope;
  /** '' for the fleet, the model id ('zaptec-go', 'generic', ...), the group name, or the canonical charger id. */
  scope_id: string;
  key: string;
  value: string;
  updated_at: Date;
  /** 'api:<caller>', 'reconciler' (model defaults seeding) or 'migration' (defaults moved from the fleet level). */
  updated_by: string;
}

export const CONFIG_DESIRED_TABLE = describeTable<ConfigDesiredRow>()('config_desired', {
  scope: 'text',
  scope_id: 'text',
  key: 'text',
  value: 'text',
  updated_at: 'timestamp with time zone',
  updated_by: 'text',
});

/** A row of config_groups (all its columns). */
export interface ConfigGroupsRow {
  name: string;
  created_at: Date;
}

export const CONFIG_GROUPS_TABLE = describeTable<ConfigGroupsRow>()('config_groups', {
  name: 'text',
  created_at: 'timestamp with time zone',
});

/** A charger belongs to at most one group, so the merge fleet < group < charger is unambiguous. */
export interface ConfigGroupMembersRow {
  charger_id: string;
  group_name: string;
  added_at: Date;
}

export const CONFIG_GROUP_MEMBERS_TABLE = describeTable<ConfigGroupMembersRow>()('config_group_members', {
  charger_id: 'text',
  group_name: 'text',
  added_at: 'timestamp with time zone',
});

/**
 * Who or what changed which key, when, from what to what, with which outcome
 * (docs/reference/design-decisions.md#desired-configuration).
 */
export interface ConfigAuditRow {
  id: string;
  at: Date;
  /** 'api:<caller>' | 'reconciler' | 'charger'. */
  actor: string;
  charger_id: string | null;
  scope: DesiredScope | null;
  scope_id: string | null;
  key: string;
  old_value: string | null;
  new_value: string | null;
  /** 'stored' for desired changes, the ChangeConfiguration outcome, 'reported' for a change seen at the charger. */
  outcome: string;
}

export const CONFIG_AUDIT_TABLE = describeTable<ConfigAuditRow>()('config_audit', {
  id: 'bigint',
  at: 'timestamp with time zone',
  actor: 'text',
  charger_id: 'text null',
  scope: 'text null',
  scope_id: 'text null',
  key: 'text',
  old_value: 'text null',
  new_value: 'text null',
  outcome: 'text',
});
