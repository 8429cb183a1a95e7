import { POWER_ACTIVE_IMPORT, type MeterValuesRequest } from '#csms/ocpp';
import type { PlacedReading } from './reading.js';

export type OcppMeterValue = MeterValuesRequest['meterValue'][number];
export type MeterValueSource = 'MeterValues' | 'StopTransaction';

/** One SampledValue with the OCPP 1.6 defaults applied (docs/reference/protocol-notes.md#meter-values). */
export interface MeterValueRow extends PlacedReading {
  chargerId: string;
  valueRaw: string;
  valueNum: number | null;
  source: MeterValueSource;
  eager: boolean;
  anomalies: string[];
  receivedAt: string;
}

export const DEFAULTS = {
  context: 'Sample.Periodic',
  format: 'Raw',
  measurand: 'Energy.Active.Import.Register',
  location: 'Outlet',
  unit: 'Wh',
} as const;

export const ENERGY_REGISTER = 'Energy.Active.Import.Register';
export const POWER_IMPORT = POWER_ACTIVE_IMPORT;

const NUMERIC = /^\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$/;

/** The number in a Raw value, or null (SignedData and text are kept only as raw text). */
export function parseValue(raw: string, format: string): number | null {
  if (format !== 'Raw' || !NUMERIC.test(raw)) return null;
  const n = Number(raw);
  return Number.isFinite(n) ? n : null;
}

/** Value in the base unit (Wh, W, varh, var, VA): chargers may report kWh / kW (cloud mode uses kWh). */
export function toBaseUnit(value: number, unit: string): number {
  return unit.startsWith('k') && unit !== 'K' ? value * 1000 : value;
}

export interface NormalizeInput {
  chargerId: string;
  connectorId: number;
  transactionId: number | null;
  meterValue: OcppMeterValue[];
  source: MeterValueSource;
  receivedAt: string;
}

export function normalizeMeterValues(input: NormalizeInput): MeterValueRow[] {
  const rows: MeterValueRow[] = [];
  for (const mv of input.meterValue) {
    const t = new Date(mv.timestamp);
    // The gateway validated the schema; a timestamp that still does not parse is kept at the receive
    // time and flagged rather than dropped (never lose a reading) or retried forever.
    const bad = Number.isNaN(t.getTime());
    const timestamp = bad ? new Date(input.receivedAt).toISOString() : t.toISOString();
    for (const sv of mv.sampledValue) {
      const format = sv.format ?? DEFAULTS.format;
      rows.push({
        chargerId: input.chargerId,
        connectorId: input.connectorId,
        transactionId: input.transactionId,
        timestamp,
        measurand: sv.measurand ?? DEFAULTS.measurand,
        phase: sv.phase ?? null,
        location: sv.location ?? DEFAULTS.location,
        context: sv.context ?? DEFAULTS.context,
        format,
        unit: sv.unit ?? DEFAULTS.unit,
        valueRaw: sv.value,
        valueNum: parseValue(sv.value, format),
        source: input.source,
        eager: false,
        anomalies: bad ? ['invalid-timestamp'] : [],
        receivedAt: input.receivedAt,
      });
    }
  }
  return rows;
}

/**
 * The natural key of a reading: equal keys are the same reading (redelivery, Stop transactionData).
 * Format included: a SignedData value beside the Raw value of the same measurand must not be dropped.
 */
export function naturalKey(r: MeterValueRow): string {
  return [r.chargerId, r.connectorId, r.timestamp, r.measurand, r.phase ?? '', r.location, r.context, r.format, r.transactionId ?? 0].join('\u0000');
}
