export interface SiteLimitEngineOptions {
  /** A group is allocated at most this often (ms): events in between are taken together in the next round. */
  minIntervalMs: number;
  /** The same after a transaction started or stopped in the group (ms). */
  urgentIntervalMs: number;
  /** A reading counts against an offer only when taken this long after the charger accepted it (the car ramps). */
  settleMs: number;
  /** How long to wait for a charger's answer to SetChargingProfile. */
  commandTimeoutMs: number;
  /** How long one replica may hold a group's allocation before another may take over. */
  leaseMs: number;
}

export const DEFAULT_SITE_LIMIT_ENGINE_OPTIONS: SiteLimitEngineOptions = {
  minIntervalMs: 5_000,
  urgentIntervalMs: 1_000,
  settleMs: 5_000,
  commandTimeoutMs: 15_000,
  leaseMs: 60_000,
};

/** What the site-limits part is given by ConfigManagerModule: the engine's pacing and the scheduler's delays. */
export interface ResolvedSiteLimitOptions extends SiteLimitEngineOptions {
  bootDelayMs: number;
  sweepIntervalMs: number;
}

export const SITE_LIMIT_OPTIONS = Symbol.for('csms.config-manager.site-limit-options');
