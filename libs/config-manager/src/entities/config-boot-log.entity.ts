import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * Every BootNotification received and what we answered: lets an operator see reboot loops and
 * firmware changes. (charger_id, message_id) is unique so a redelivered request is stored once.
 */
@Entity({ name: 'config_boot_log' })
@Index('config_boot_log_charger_message_uq', ['chargerId', 'messageId'], { unique: true })
export class ConfigBootLog {
  @PrimaryGeneratedColumn({ name: 'id', type: 'bigint' })
  id!: string;

  @Column({ name: 'charger_id', type: 'text' })
  chargerId!: string;

  @Column({ name: 'message_id', type: 'text' })
  messageId!: string;

  @Column({ name: 'received_at', type: 'timestamptz' })
  receivedAt!: Date;

  @Column({ name: 'gateway_id', type: 'text' })
  gatewayId!: string;

  /** The BootNotification payload as the charger sent it. */
  @Column({ name: 'payload', type: 'jsonb' })
  payload!: Record<string, unknown>;

  @Column({ name: 'detected_model', type: 'text' })
  detectedModel!: string;

  @Column({ name: 'status', type: 'text' })
  status!: 'Accepted' | 'Pending' | 'Rejected';

  /** Why: the registration state from auth, or 'auth-unavailable'. */
  @Column({ name: 'reason', type: 'text' })
  reason!: string;
}
