import { REGISTRY_MIGRATIONS } from './migrations/index.js';
import { DESIRED_MIGRATIONS } from './desired/index.js';
import { QUEUED_MIGRATIONS } from './queued/index.js';
import { DIAGNOSTICS_MIGRATIONS } from './diagnostics/index.js';
import { FIRMWARE_MIGRATIONS } from './firmware/index.js';
import { CHARGING_PROFILE_MIGRATIONS } from './charging-profiles/index.js';
import { SITE_LIMITS_MIGRATIONS } from './site-limits/index.js';

// What the apps use to run config-manager. Other services reach it over the bus (`#csms/config-manager/verbs`); the
// gateway mounts its routes from `#csms/config-manager/api`.
export { ConfigManagerModule } from './config-manager.module.js';
export type { ConfigManagerOptions } from './config-manager.options.js';
export type { DesiredConfigurationOptions } from './desired/desired.options.js';
export { RegistryApiModule, ConfigurationApiModule } from './api/index.js';
export { CONFIG_MANAGER_TABLES } from './tables.js';

/** Every migration of the service, oldest first; the desired-state and queued-command parts append their own. */
export const CONFIG_MANAGER_MIGRATIONS = [
  ...REGISTRY_MIGRATIONS,
  ...DESIRED_MIGRATIONS,
  ...QUEUED_MIGRATIONS,
  ...DIAGNOSTICS_MIGRATIONS,
  ...FIRMWARE_MIGRATIONS,
  ...CHARGING_PROFILE_MIGRATIONS,
  ...SITE_LIMITS_MIGRATIONS,
];
