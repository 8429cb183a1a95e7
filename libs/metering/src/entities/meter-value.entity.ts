import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One SampledValue, defaults applied (docs/reference/protocol-notes.md#meter-values). Written only by batch SQL (see
 * meter-value-writer.ts).
 */
@Entity('metering_meter_values')
export class MeteringMeterValue {
  @PrimaryGeneratedColumn({ type: 'bigint' }) id!: string;
  @Column({ name: 'charger_id', type: 'text' }) chargerId!: string;
  /** 0 = the whole charge point. */
  @Column({ name: 'connector_id', type: 'integer' }) connectorId!: number;
  @Column({ name: 'transaction_id', type: 'integer', nullable: true }) transactionId!: number | null;
  @Column({ name: 'timestamp', type: 'timestamptz' }) timestamp!: Date;
  @Column({ type: 'text' }) measurand!: string;
  /** null = overall value. */
  @Column({ type: 'text', nullable: true }) phase!: string | null;
  @Column({ type: 'text' }) location!: string;
  @Column({ type: 'text' }) context!: string;
  @Column({ type: 'text' }) format!: string;
  @Column({ type: 'text' }) unit!: string;
  @Column({ name: 'value_raw', type: 'text' }) valueRaw!: string;
  @Column({ name: 'value_num', type: 'double precision', nullable: true }) valueNum!: number | null;
  /** 'MeterValues' | 'StopTransaction'. */
  @Column({ type: 'text' }) source!: string;
  @Column({ type: 'boolean', default: false }) eager!: boolean;
  @Column({ type: 'text', nullable: true }) anomaly!: string | null;
  @Column({ name: 'received_at', type: 'timestamptz' }) receivedAt!: Date;
}
