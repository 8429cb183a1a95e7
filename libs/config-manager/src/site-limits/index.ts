import { ConfigManagerSiteLimits1764720000000 } from './migration.js';

// The site-limits part's migrations, for the service's list in ../index.ts.
export const SITE_LIMITS_MIGRATIONS = [ConfigManagerSiteLimits1764720000000];
