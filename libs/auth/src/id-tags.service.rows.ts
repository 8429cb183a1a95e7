import { describeTable } from '#csms/persistence';

/* The tables this store owns: its row types and their columns (libs/persistence/README.md). */

export type IdTagStatus = 'Accepted' | 'Blocked' | 'Expired' | 'Invalid';
export const ID_TAG_STATUSES: readonly IdTagStatus[] = ['Accepted', 'Blocked', 'Expired', 'Invalid'];

/** A driver's idTag. IdToken is CiString20 (case-insensitive): a unique index on lower(id_tag) enforces it. */
export interface AuthIdTagsRow {
  id_tag: string;
  status: IdTagStatus;
  expiry_date: Date | null;
  parent_id_tag: string | null;
  /** Local authorization list group (docs/reference/design-decisions.md#driver-authorization). */
  group_name: string | null;
  created_at: Date;
  updated_at: Date;
}

export const AUTH_ID_TAGS_TABLE = describeTable<AuthIdTagsRow>()('auth_id_tags', {
  id_tag: 'text',
  status: 'text',
  expiry_date: 'timestamp with time zone null',
  parent_id_tag: 'text null',
  group_name: 'text null',
  created_at: 'timestamp with time zone',
  updated_at: 'timestamp with time zone',
});
