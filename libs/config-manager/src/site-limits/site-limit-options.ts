import type { SiteLimitEngineOptions } from './engine.js';

/** What the site-limits part is given by ConfigManagerModule: the engine's pacing and the scheduler's delays. */
export interface ResolvedSiteLimitOptions extends SiteLimitEngineOptions {
  bootDelayMs: number;
  sweepIntervalMs: number;
}

export const SITE_LIMIT_OPTIONS = Symbol.for('csms.config-manager.site-limit-options');
