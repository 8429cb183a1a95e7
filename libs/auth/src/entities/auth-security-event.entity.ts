import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type SecurityEventSource = 'charger' | 'csms';

/**
 * Security events: the charger's SecurityEventNotification (source 'charger', unique per charger,
 * timestamp and type so redelivery is harmless) and our own findings such as failed logins ('csms').
 */
@Entity({ name: 'auth_security_events' })
export class AuthSecurityEvent {
  @PrimaryGeneratedColumn({ name: 'id', type: 'bigint' })
  id!: string;

  @Column({ name: 'charger_id', type: 'text' })
  chargerId!: string;

  @Column({ name: 'type', type: 'text' })
  type!: string;

  @Column({ name: 'tech_info', type: 'text', nullable: true })
  techInfo!: string | null;

  @Column({ name: 'timestamp', type: 'timestamptz' })
  timestamp!: Date;

  @Column({ name: 'remote_address', type: 'text', nullable: true })
  remoteAddress!: string | null;

  @Column({ name: 'source', type: 'text' })
  source!: SecurityEventSource;

  /** Our refusals are aggregated: how many attempts this row stands for (see refusal-events.ts). */
  @Column({ name: 'count', type: 'integer', default: 1 })
  count!: number;
}
