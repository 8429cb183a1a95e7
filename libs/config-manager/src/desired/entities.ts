import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/**
 * Tables of the desired-state part. Writes go through SQL in the services (batched, idempotent);
 * the entities document the tables the migration `ConfigManagerDesiredInit1764200000000` creates.
 */

/**
 * The levels of desired configuration, least specific first: fleet < model < group < charger
 * (docs/reference/design-decisions.md#desired-configuration).
 */
export type DesiredScope = 'fleet' | 'model' | 'group' | 'charger';
export const DESIRED_SCOPES: readonly DesiredScope[] = ['fleet', 'model', 'group', 'charger'];

/** Per-key outcome of the last ChangeConfiguration (OCPP 1.6 §6.8 statuses, plus our transport outcomes). */
export type ApplyOutcome = 'Accepted' | 'RebootRequired' | 'Rejected' | 'NotSupported' | 'timeout' | 'not-connected' | 'pending';
export const APPLY_OUTCOMES: readonly ApplyOutcome[] = ['Accepted', 'RebootRequired', 'Rejected', 'NotSupported', 'timeout', 'not-connected', 'pending'];

/**
 * One desired key at one level. Fleet rows have scope_id ''. Values are OCPP strings
 * (docs/reference/protocol-notes.md#configuration-keys).
 */
@Entity({ name: 'config_desired' })
export class ConfigDesired {
  @PrimaryColumn({ name: 'scope', type: 'text' })
  scope!: DesiredScope;

  /** '' for the fleet, the model id ('zaptec-go', 'generic', ...), the group name, or the canonical charger id. */
  @PrimaryColumn({ name: 'scope_id', type: 'text' })
  scopeId!: string;

  @PrimaryColumn({ name: 'key', type: 'text' })
  key!: string;

  @Column({ name: 'value', type: 'text' })
  value!: string;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;

  /** 'api:<caller>', 'reconciler' (model defaults seeding) or 'migration' (defaults moved from the fleet level). */
  @Column({ name: 'updated_by', type: 'text' })
  updatedBy!: string;
}

@Entity({ name: 'config_groups' })
export class ConfigGroup {
  @PrimaryColumn({ name: 'name', type: 'text' })
  name!: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;
}

/** A charger belongs to at most one group, so the merge fleet < group < charger is unambiguous. */
@Entity({ name: 'config_group_members' })
export class ConfigGroupMember {
  @PrimaryColumn({ name: 'charger_id', type: 'text' })
  chargerId!: string;

  @Column({ name: 'group_name', type: 'text' })
  groupName!: string;

  @Column({ name: 'added_at', type: 'timestamptz', default: () => 'now()' })
  addedAt!: Date;
}

/** The charger's last GetConfiguration answer, one row per key (replaced as a whole on each read). */
@Entity({ name: 'config_reported' })
export class ConfigReported {
  @PrimaryColumn({ name: 'charger_id', type: 'text' })
  chargerId!: string;

  @PrimaryColumn({ name: 'key', type: 'text' })
  key!: string;

  /** GetConfiguration.conf value is optional (a key may be reported without a value). */
  @Column({ name: 'value', type: 'text', nullable: true })
  value!: string | null;

  @Column({ name: 'readonly', type: 'boolean' })
  readonly!: boolean;

  @Column({ name: 'reported_at', type: 'timestamptz' })
  reportedAt!: Date;
}

@Entity({ name: 'config_apply_state' })
export class ConfigApplyState {
  @PrimaryColumn({ name: 'charger_id', type: 'text' })
  chargerId!: string;

  @PrimaryColumn({ name: 'key', type: 'text' })
  key!: string;

  @Column({ name: 'desired_value', type: 'text' })
  desiredValue!: string;

  @Column({ name: 'outcome', type: 'text' })
  outcome!: ApplyOutcome;

  @Column({ name: 'at', type: 'timestamptz' })
  at!: Date;

  @Column({ name: 'message', type: 'text', nullable: true })
  message!: string | null;

  /**
   * The charger's firmware and model when it answered (docs/reference/design-decisions.md#refusals-remembered): a
   * Rejected/NotSupported is remembered for this
   * value on this firmware and model, and asked again only when one of them changes or an operator asks.
   */
  @Column({ name: 'firmware_version', type: 'text', nullable: true })
  firmwareVersion!: string | null;

  @Column({ name: 'model', type: 'text', nullable: true })
  model!: string | null;
}

/**
 * Who or what changed which key, when, from what to what, with which outcome
 * (docs/reference/design-decisions.md#desired-configuration).
 */
@Entity({ name: 'config_audit' })
export class ConfigAudit {
  @PrimaryGeneratedColumn({ name: 'id', type: 'bigint' })
  id!: string;

  @Column({ name: 'at', type: 'timestamptz', default: () => 'now()' })
  at!: Date;

  /** 'api:<caller>' | 'reconciler' | 'charger'. */
  @Column({ name: 'actor', type: 'text' })
  actor!: string;

  @Column({ name: 'charger_id', type: 'text', nullable: true })
  chargerId!: string | null;

  @Column({ name: 'scope', type: 'text', nullable: true })
  scope!: DesiredScope | null;

  @Column({ name: 'scope_id', type: 'text', nullable: true })
  scopeId!: string | null;

  @Column({ name: 'key', type: 'text' })
  key!: string;

  @Column({ name: 'old_value', type: 'text', nullable: true })
  oldValue!: string | null;

  @Column({ name: 'new_value', type: 'text', nullable: true })
  newValue!: string | null;

  /** 'stored' for desired changes, the ChangeConfiguration outcome, 'reported' for a change seen at the charger. */
  @Column({ name: 'outcome', type: 'text' })
  outcome!: string;
}

export const DESIRED_ENTITIES = [ConfigDesired, ConfigGroup, ConfigGroupMember, ConfigReported, ConfigApplyState, ConfigAudit];
