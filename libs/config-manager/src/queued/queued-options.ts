/** What the queued-command part is given by ConfigManagerModule (from the desired part's and the service's options). */
export interface QueuedModuleOptions {
  commandTimeoutMs: number;
  connectDelayMs: number;
  bootDelayMs: number;
  sweepIntervalMs: number;
}

export const QUEUED_OPTIONS = Symbol.for('csms.config-manager.queued-options');

/** The queue's page sizes (the API's validation and the service's own clamp). */
export const DEFAULT_QUEUED_PAGE = 50;
export const MAX_QUEUED_PAGE = 200;
