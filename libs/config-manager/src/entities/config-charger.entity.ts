import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { ChargerModel } from '#csms/zaptec-profile';

/**
 * One row per charger the CSMS has seen (connected or booted): its model, the fields of its last
 * BootNotification and its connection state. Credentials live in auth, configuration in `desired/`.
 * Writes go through SQL in the services (batched, idempotent); the entity documents the table.
 */
@Entity({ name: 'config_chargers' })
export class ConfigCharger {
  /** Canonical charge point identity (aliases are resolved before messages reach us). */
  @PrimaryColumn({ name: 'charger_id', type: 'text' })
  chargerId!: string;

  /** Effective model: the override when set, else detected from the last BootNotification. */
  @Column({ name: 'model', type: 'text' })
  model!: ChargerModel;

  @Column({ name: 'model_override', type: 'text', nullable: true })
  modelOverride!: ChargerModel | null;

  @Column({ name: 'boot_vendor', type: 'text', nullable: true })
  bootVendor!: string | null;

  @Column({ name: 'boot_model', type: 'text', nullable: true })
  bootModel!: string | null;

  @Column({ name: 'charge_point_serial_number', type: 'text', nullable: true })
  chargePointSerialNumber!: string | null;

  @Column({ name: 'charge_box_serial_number', type: 'text', nullable: true })
  chargeBoxSerialNumber!: string | null;

  @Column({ name: 'firmware_version', type: 'text', nullable: true })
  firmwareVersion!: string | null;

  @Column({ name: 'iccid', type: 'text', nullable: true })
  iccid!: string | null;

  @Column({ name: 'imsi', type: 'text', nullable: true })
  imsi!: string | null;

  @Column({ name: 'meter_type', type: 'text', nullable: true })
  meterType!: string | null;

  @Column({ name: 'meter_serial_number', type: 'text', nullable: true })
  meterSerialNumber!: string | null;

  @Column({ name: 'boot_at', type: 'timestamptz', nullable: true })
  bootAt!: Date | null;

  /** What we answered to the last BootNotification: Accepted, Pending or Rejected. */
  @Column({ name: 'boot_status', type: 'text', nullable: true })
  bootStatus!: 'Accepted' | 'Pending' | 'Rejected' | null;

  /**
   * Operator policy (docs/reference/design-decisions.md#boot-policy): answer BootNotification Pending until the desired
   * configuration is applied.
   * Set through `PUT /api/v1/chargers/:id/boot-policy`; judged by the desired-state part at boot.
   */
  @Column({ name: 'apply_config_before_accept', type: 'boolean', default: false })
  applyConfigBeforeAccept!: boolean;

  @Column({ name: 'connected', type: 'boolean', default: false })
  connected!: boolean;

  @Column({ name: 'gateway_id', type: 'text', nullable: true })
  gatewayId!: string | null;

  /** The socket the connection columns describe: the newest session wins. */
  @Column({ name: 'session_id', type: 'text', nullable: true })
  sessionId!: string | null;

  @Column({ name: 'connected_at', type: 'timestamptz', nullable: true })
  connectedAt!: Date | null;

  @Column({ name: 'disconnected_at', type: 'timestamptz', nullable: true })
  disconnectedAt!: Date | null;

  @Column({ name: 'remote_address', type: 'text', nullable: true })
  remoteAddress!: string | null;

  /** Event time of the last connection event applied: older events arriving late are ignored. */
  @Column({ name: 'connection_event_at', type: 'timestamptz', nullable: true })
  connectionEventAt!: Date | null;

  @Column({ name: 'last_seen', type: 'timestamptz', nullable: true })
  lastSeen!: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
