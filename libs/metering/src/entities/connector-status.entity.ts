import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Latest StatusNotification per connector; an older one (by its timestamp) never overwrites a newer one. */
@Entity('metering_connector_status')
export class MeteringConnectorStatus {
  @PrimaryColumn({ name: 'charger_id', type: 'text' }) chargerId!: string;
  @PrimaryColumn({ name: 'connector_id', type: 'integer' }) connectorId!: number;
  @Column({ type: 'text' }) status!: string;
  @Column({ name: 'error_code', type: 'text' }) errorCode!: string;
  @Column({ type: 'text', nullable: true }) info!: string | null;
  @Column({ name: 'vendor_id', type: 'text', nullable: true }) vendorId!: string | null;
  @Column({ name: 'vendor_error_code', type: 'text', nullable: true }) vendorErrorCode!: string | null;
  @Column({ name: 'timestamp', type: 'timestamptz' }) timestamp!: Date;
  @Column({ name: 'received_at', type: 'timestamptz' }) receivedAt!: Date;
}

/** MeterValueSampleInterval and the eager delta per charger, pushed by config-manager (setChargerSettings). */
@Entity('metering_charger_settings')
export class MeteringChargerSettings {
  @PrimaryColumn({ name: 'charger_id', type: 'text' }) chargerId!: string;
  @Column({ name: 'meter_value_sample_interval', type: 'integer' }) meterValueSampleInterval!: number;
  @Column({ name: 'eager_delta', type: 'double precision' }) eagerDelta!: number;
  @Column({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
