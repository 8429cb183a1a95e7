/** Shapes of the metering API verbs (bus bodies and replies); the HTTP API returns them as they are. */

import type { PlacedReading } from './reading.js';

export type { Page } from '#csms/bus';

export interface TransactionListQuery {
  chargerId?: string;
  idTag?: string;
  /** ISO times; on the start time (on the stop time for orphans). */
  from?: string;
  to?: string;
  state?: 'open' | 'closed';
  free?: boolean;
  /** true: list StopTransactions for unknown transactionIds instead of transactions. */
  orphan?: boolean;
  limit?: number;
  offset?: number;
}

export interface ChargerMeterValuesQuery {
  chargerId: string;
  from?: string;
  to?: string;
  measurand?: string;
  limit?: number;
  offset?: number;
}

export interface TransactionView {
  id: number;
  transactionId: number;
  chargerId: string;
  connectorId: number;
  idTag: string;
  idTagStatus: string | null;
  meterStart: number;
  meterStop: number | null;
  energyWh: number | null;
  free: boolean;
  meterAnomaly: string | null;
  startedAt: string;
  stoppedAt: string | null;
  stopReason: string | null;
  closedBy: string | null;
  duplicateStopCount: number;
  state: 'open' | 'closed';
}

export interface MeterValueView extends PlacedReading {
  /** The charger's text, as sent (SignedData included). */
  value: string;
  valueNum: number | null;
  source: string;
  eager: boolean;
  anomaly: string | null;
}

export interface ConnectorStatusView {
  connectorId: number;
  status: string;
  errorCode: string;
  info: string | null;
  vendorId: string | null;
  vendorErrorCode: string | null;
  timestamp: string;
}

/** Body of api.metering.setChargerSettings (config-manager calls it after reading or setting the keys). */
export interface SetChargerSettingsBody {
  chargerId: string;
  meterValueSampleInterval: number;
  /** PowerActiveImportDeltaForEagerMeterValueSample, W. */
  eagerDelta: number;
}

/** Latest active power per connector (W). */
export interface ChargerPowerView {
  chargerId: string;
  connectors: Array<{ connectorId: number; powerW: number | null; timestamp: string; transactionId: number | null }>;
}
