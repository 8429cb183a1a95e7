/**
 * What one SampledValue says, with the OCPP 1.6 defaults applied (docs/reference/protocol-notes.md#meter-values): the
 * same fields in every shape metering keeps a reading in (the writer's row, the table row, the API's view).
 */
export interface SampledValueFields {
  measurand: string;
  /** null = the overall value (no phase given). */
  phase: string | null;
  location: string;
  context: string;
  format: string;
  unit: string;
}

/** A reading where and when it was taken, as the writer and the API name it (camelCase, ISO time). */
export interface PlacedReading extends SampledValueFields {
  connectorId: number;
  transactionId: number | null;
  /** ISO time, normalised to milliseconds so the same reading always gives the same key. */
  timestamp: string;
}
