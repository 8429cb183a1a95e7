import { Column, Entity, PrimaryColumn } from 'typeorm';

export type IdTagStatus = 'Accepted' | 'Blocked' | 'Expired' | 'Invalid';
export const ID_TAG_STATUSES: readonly IdTagStatus[] = ['Accepted', 'Blocked', 'Expired', 'Invalid'];

/** A driver's idTag. IdToken is CiString20 (case-insensitive): a unique index on lower(id_tag) enforces it. */
@Entity({ name: 'auth_id_tags' })
export class AuthIdTag {
  @PrimaryColumn({ name: 'id_tag', type: 'text' })
  idTag!: string;

  @Column({ name: 'status', type: 'text' })
  status!: IdTagStatus;

  @Column({ name: 'expiry_date', type: 'timestamptz', nullable: true })
  expiryDate!: Date | null;

  @Column({ name: 'parent_id_tag', type: 'text', nullable: true })
  parentIdTag!: string | null;

  /** Local authorization list group (docs/reference/design-decisions.md#driver-authorization). */
  @Column({ name: 'group_name', type: 'text', nullable: true })
  groupName!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
