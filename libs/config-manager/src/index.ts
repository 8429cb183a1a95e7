import { REGISTRY_MIGRATIONS } from './migrations/index.js';
import { DESIRED_MIGRATIONS } from './desired/index.js';
import { QUEUED_MIGRATIONS } from './queued/index.js';
import { DIAGNOSTICS_MIGRATIONS } from './diagnostics/index.js';
import { FIRMWARE_MIGRATIONS } from './firmware/index.js';
import { CHARGING_PROFILE_MIGRATIONS } from './charging-profiles/index.js';
import { SITE_LIMITS_MIGRATIONS } from './site-limits/index.js';

export { ConfigManagerModule } from './config-manager.module.js';
export {
  type ConfigManagerOptions,
  DEFAULT_HEARTBEAT_INTERVAL_S,
  DEFAULT_PENDING_INTERVAL_S,
  DEFAULT_REGISTRATION_TIMEOUT_MS,
} from './config-manager.options.js';
export { RegistryApiModule } from './api/registry-api.module.js';
export type { ChargerView, ChargerListView } from './api/chargers.controller.js';
export type { ConnectorStatus, ConnectorStatusMap } from './api/connector-statuses.js';
export { CONFIG_MANAGER_TABLES } from './tables.js';
export { BootService, type BootedCharger, type BootListener, type ConfigurationSyncCheck } from './registration/boot.service.js';
export type { RegistrationLookup, RegistrationOutcome, RegistrationState, RegistrationRequest } from './registration/registration-lookup.js';
export {
  RegistryService,
  type ChargerPage,
  type ListChargersRequest,
  type GetChargerRequest,
  type SetModelRequest,
  type SetBootPolicyRequest,
} from './registry/registry.service.js';
export type { ChargerSummary, ChargerBoot, ChargerBootPolicy } from './registry/charger-summary.js';
export { CHARGER_MODELS } from './registry/charger-model.js';
export * from './desired/index.js';
export * from './queued/index.js';
export * from './diagnostics/index.js';
export * from './charging-profiles/index.js';
export { SITE_LIMIT_PROFILE_ID_MIN, SITE_LIMIT_STACK_LEVEL } from './site-limits/index.js';

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
