/** Tuning of the metering service; every field has a safe default. */
export interface MeteringOptions {
  /**
   * A reading without transactionId this long after its connector's StopTransaction still belongs to it
   * (docs/reference/design-decisions.md#metering).
   */
  lateReadingWindowSec?: number;
  /** The charger's maximum power for register sanity (docs/reference/design-decisions.md#metering). */
  maxPowerW?: number;
  /** Meter values older than this are deleted; 0 = keep forever. Not an env variable yet: set by the app. */
  meterValuesRetentionDays?: number;
  /** How long StartTransaction waits for auth's idTagInfo. */
  authTimeoutMs?: number;
  /**
   * How long the status consumer waits for the StopTransaction consumer to catch up before it closes a
   * transaction as 'Reboot' on an Available (stop-consumer-drain.ts). Past it, the close is made anyway and a
   * StopTransaction that comes later still replaces it.
   */
  rebootInferenceWaitMs?: number;
}

export const METERING_OPTIONS = Symbol.for('csms.metering.options');

export const DEFAULT_METERING_OPTIONS: Required<MeteringOptions> = {
  lateReadingWindowSec: 120,
  maxPowerW: 22_000,
  meterValuesRetentionDays: 0,
  authTimeoutMs: 5_000,
  rebootInferenceWaitMs: 5_000,
};
