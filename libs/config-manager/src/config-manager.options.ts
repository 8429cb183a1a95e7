import type { RegistrationLookup } from './registration/registration-lookup.js';
import { DEFAULT_SURGE_MAX_DEFER_MS, DEFAULT_SURGE_RATE_PER_S } from './registration/arrival-surge.js';

/** Options of `ConfigManagerModule.forRoot`. Every field has a default; see `resolveConfigManagerOptions`. */
export interface ConfigManagerOptions {
  /**
   * BootNotification `interval` for Accepted chargers (HEARTBEAT_INTERVAL_S). Default 300 s
   * (docs/reference/design-decisions.md#boot-provisioning).
   */
  heartbeatIntervalS?: number;
  /** BootNotification `interval` for Pending chargers, and when auth cannot be asked: how soon the charger retries. */
  pendingIntervalS?: number;
  /** How long to wait for auth's registration answer before answering Pending. */
  registrationTimeoutMs?: number;
  /**
   * Who decides accepted / pending / blocked. Default: auth over the bus (`api.auth.registration`).
   * Given here so a process (or a test) can decide without auth running.
   */
  registrationLookup?: RegistrationLookup;
  /** PROVISIONAL_CHARGER_TTL_S: a never-booted charger's row is removed this long after it disconnected. Default 3600. */
  provisionalChargerTtlS?: number;
  /** How often queued commands are swept: expired, lapsed claims freed, connected chargers served. Default 30 000 ms. */
  queuedSweepIntervalMs?: number;
  /**
   * Connection events and boots per second (seen by this process) from which the work that follows a connect or
   * a boot waits for the surge to pass (registration/arrival-surge.ts). Default 100.
   */
  surgeRatePerS?: number;
  /** The longest such work waits, from its connect or boot. Default 60 000 ms. */
  surgeMaxDeferMs?: number;
}

export type ResolvedConfigManagerOptions = Required<Omit<ConfigManagerOptions, 'registrationLookup'>> & Pick<ConfigManagerOptions, 'registrationLookup'>;

export const DEFAULT_HEARTBEAT_INTERVAL_S = 300;
export const DEFAULT_PENDING_INTERVAL_S = 30;
export const DEFAULT_REGISTRATION_TIMEOUT_MS = 5_000;
export const DEFAULT_PROVISIONAL_CHARGER_TTL_S = 3_600;
export const DEFAULT_QUEUED_SWEEP_INTERVAL_MS = 30_000;

/** Nest injection token of the resolved options. */
export const CONFIG_MANAGER_OPTIONS = Symbol.for('csms.config-manager.options');

export function resolveConfigManagerOptions(options: ConfigManagerOptions = {}): ResolvedConfigManagerOptions {
  return {
    heartbeatIntervalS: options.heartbeatIntervalS ?? DEFAULT_HEARTBEAT_INTERVAL_S,
    pendingIntervalS: options.pendingIntervalS ?? DEFAULT_PENDING_INTERVAL_S,
    registrationTimeoutMs: options.registrationTimeoutMs ?? DEFAULT_REGISTRATION_TIMEOUT_MS,
    registrationLookup: options.registrationLookup,
    provisionalChargerTtlS: options.provisionalChargerTtlS ?? DEFAULT_PROVISIONAL_CHARGER_TTL_S,
    queuedSweepIntervalMs: options.queuedSweepIntervalMs ?? DEFAULT_QUEUED_SWEEP_INTERVAL_MS,
    surgeRatePerS: options.surgeRatePerS ?? DEFAULT_SURGE_RATE_PER_S,
    surgeMaxDeferMs: options.surgeMaxDeferMs ?? DEFAULT_SURGE_MAX_DEFER_MS,
  };
}
