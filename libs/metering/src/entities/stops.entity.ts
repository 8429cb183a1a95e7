import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A StopTransaction whose transactionId we never issued (including -1): answered normally, kept for the operator. */
@Entity('metering_orphan_stops')
export class MeteringOrphanStop {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id!: string;
  @Column({ name: 'charger_id', type: 'text' }) chargerId!: string;
  @Column({ name: 'transaction_id', type: 'integer' }) transactionId!: number;
  @Column({ name: 'id_tag', type: 'text', nullable: true }) idTag!: string | null;
  @Column({ name: 'meter_stop', type: 'bigint' }) meterStop!: string;
  @Column({ name: 'stopped_at', type: 'timestamptz' }) stoppedAt!: Date;
  @Column({ name: 'stop_reason', type: 'text' }) stopReason!: string;
  @Column({ type: 'jsonb' }) payload!: unknown;
  @Column({ name: 'received_at', type: 'timestamptz' }) receivedAt!: Date;
}

/** A further StopTransaction for a closed transaction: changes nothing, recorded once per stream message. */
@Entity('metering_duplicate_stops')
export class MeteringDuplicateStop {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id!: string;
  @Column({ name: 'transaction_id', type: 'integer' }) transactionId!: number;
  @Column({ name: 'event_seq', type: 'bigint' }) eventSeq!: string;
  @Column({ type: 'jsonb' }) payload!: unknown;
  @Column({ name: 'received_at', type: 'timestamptz' }) receivedAt!: Date;
}
