import { ConfigManagerSiteLimits1764720000000 } from './migration.js';

export { SiteLimitsModule, type SiteLimitOptions } from './site-limits.module.js';
export { SiteLimitsApiController } from './api/site-limits.controller.js';
export { SITE_LIMIT_PROFILE_ID_MIN, SITE_LIMIT_STACK_LEVEL } from './profiles.js';
export { ConfigManagerSiteLimits1764720000000 };

export const SITE_LIMITS_MIGRATIONS = [ConfigManagerSiteLimits1764720000000];
