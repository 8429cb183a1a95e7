import { Column, Entity, PrimaryColumn } from 'typeorm';

export type SecurityProfile = 0 | 1 | 2 | 3;
export type RegistrationState = 'accepted' | 'pending' | 'blocked';
export const REGISTRATION_STATES: readonly RegistrationState[] = ['accepted', 'pending', 'blocked'];
export type LocalListOutcome = 'Accepted' | 'Failed' | 'NotSupported' | 'VersionMismatch' | 'not-connected' | 'TooManyTags';
export type RotationState = 'idle' | 'sending' | 'accepted' | 'rejected' | 'not-supported' | 'timeout' | 'abandoned';

/** A charger's credentials and the facts auth needs about it. Passwords only as salted hashes. */
@Entity({ name: 'auth_chargers' })
export class AuthCharger {
  /** Canonical identity (legacy `zap…` stored as `ZAP…`). */
  @PrimaryColumn({ name: 'charger_id', type: 'text' })
  chargerId!: string;

  @Column({ name: 'security_profile', type: 'smallint' })
  securityProfile!: SecurityProfile;

  @Column({ name: 'registration_state', type: 'text' })
  registrationState!: RegistrationState;

  /** Zaptec UseAuthorizationKeyWithoutDecoding as last reported or set; null = unknown (use the Zaptec default). */
  @Column({ name: 'use_authorization_key_without_decoding', type: 'boolean', nullable: true })
  useAuthorizationKeyWithoutDecoding!: boolean | null;

  /** Whether an AuthorizationKey was ever set: drives the Zaptec default of the decoding switch. */
  @Column({ name: 'authorization_key_set_before', type: 'boolean', default: false })
  authorizationKeySetBefore!: boolean;

  @Column({ name: 'password_hash', type: 'text', nullable: true })
  passwordHash!: string | null;

  /** Hash of the new password while a rotation may still put it on the charger. */
  @Column({ name: 'pending_password_hash', type: 'text', nullable: true })
  pendingPasswordHash!: string | null;

  /** Guards late command replies: only the rotation that is still current may change the state. */
  @Column({ name: 'rotation_id', type: 'uuid', nullable: true })
  rotationId!: string | null;

  @Column({ name: 'rotation_state', type: 'text', default: 'idle' })
  rotationState!: RotationState;

  /** Decoding mode the pending key was derived with. */
  @Column({ name: 'rotation_without_decoding', type: 'boolean', nullable: true })
  rotationWithoutDecoding!: boolean | null;

  @Column({ name: 'rotation_outcome', type: 'text', nullable: true })
  rotationOutcome!: string | null;

  @Column({ name: 'rotation_started_at', type: 'timestamptz', nullable: true })
  rotationStartedAt!: Date | null;

  @Column({ name: 'rotation_updated_at', type: 'timestamptz', nullable: true })
  rotationUpdatedAt!: Date | null;

  /** When the charger first authenticated with the new password (the old one stopped working). */
  @Column({ name: 'rotation_completed_at', type: 'timestamptz', nullable: true })
  rotationCompletedAt!: Date | null;

  /** Reported Zaptec FreeCharging / FreeChargingIdTag (config-manager, after GetConfiguration). */
  @Column({ name: 'free_charging', type: 'boolean', nullable: true })
  freeCharging!: boolean | null;

  @Column({ name: 'free_charging_id_tag', type: 'text', nullable: true })
  freeChargingIdTag!: string | null;

  @Column({ name: 'reported_at', type: 'timestamptz', nullable: true })
  reportedAt!: Date | null;

  /**
   * Local authorization list group: the charger's list is the idTags of this group
   * (docs/reference/design-decisions.md#driver-authorization).
   */
  @Column({ name: 'auth_group', type: 'text', nullable: true })
  authGroup!: string | null;

  /** listVersion of the last SendLocalList the charger Accepted (0: none yet). */
  @Column({ name: 'local_list_version', type: 'integer', default: 0 })
  localListVersion!: number;

  @Column({ name: 'local_list_outcome', type: 'text', nullable: true })
  localListOutcome!: LocalListOutcome | null;

  @Column({ name: 'local_list_detail', type: 'text', nullable: true })
  localListDetail!: string | null;

  @Column({ name: 'local_list_updated_at', type: 'timestamptz', nullable: true })
  localListUpdatedAt!: Date | null;

  /** Reported SendLocalListMaxLength / LocalAuthListMaxLength; null = unknown. */
  @Column({ name: 'send_local_list_max_length', type: 'integer', nullable: true })
  sendLocalListMaxLength!: number | null;

  @Column({ name: 'local_auth_list_max_length', type: 'integer', nullable: true })
  localAuthListMaxLength!: number | null;

  /** Registered by UNKNOWN_CHARGERS and not yet booted nor registered by an operator: removed after a while. */
  @Column({ name: 'provisional', type: 'boolean', default: false })
  provisional!: boolean;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;
}
