import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One OCPP transaction; `id` (from metering_transaction_id_seq) is the transactionId given to the charger. */
@Entity('metering_transactions')
export class MeteringTransaction {
  @PrimaryColumn({ type: 'integer' }) id!: number;
  @Column({ name: 'charger_id', type: 'text' }) chargerId!: string;
  @Column({ name: 'connector_id', type: 'integer' }) connectorId!: number;
  @Column({ name: 'id_tag', type: 'text' }) idTag!: string;
  @Column({ name: 'id_tag_status', type: 'text', nullable: true }) idTagStatus!: string | null;
  @Column({ name: 'reservation_id', type: 'integer', nullable: true }) reservationId!: number | null;
  @Column({ name: 'meter_start', type: 'bigint' }) meterStart!: string;
  @Column({ name: 'started_at', type: 'timestamptz' }) startedAt!: Date;
  @Column({ name: 'meter_stop', type: 'bigint', nullable: true }) meterStop!: string | null;
  @Column({ name: 'stopped_at', type: 'timestamptz', nullable: true }) stoppedAt!: Date | null;
  /** Absent in the StopTransaction = 'Local' (docs/reference/protocol-notes.md#transactions). */
  @Column({ name: 'stop_reason', type: 'text', nullable: true }) stopReason!: string | null;
  @Column({ name: 'stop_id_tag', type: 'text', nullable: true }) stopIdTag!: string | null;
  @Column({ type: 'boolean', default: false }) free!: boolean;
  @Column({ name: 'energy_wh', type: 'double precision', nullable: true }) energyWh!: number | null;
  @Column({ name: 'meter_anomaly', type: 'text', nullable: true }) meterAnomaly!: string | null;
  /** 'StopTransaction' | 'Reboot'. */
  @Column({ name: 'closed_by', type: 'text', nullable: true }) closedBy!: string | null;
  @Column({ name: 'duplicate_stop_count', type: 'integer', default: 0 }) duplicateStopCount!: number;
  /** Stream sequence of the closing StopTransaction: its redelivery is recognised, not counted as a duplicate. */
  @Column({ name: 'stop_event_seq', type: 'bigint', nullable: true }) stopEventSeq!: string | null;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
