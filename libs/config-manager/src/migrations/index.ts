import { ConfigManagerRegistryInit1764100000000 } from './1764100000000-config-manager-registry.js';
import { ConfigManagerBootPolicy1764300000000 } from './1764300000000-config-manager-boot-policy.js';
import { ConfigManagerSyncState1764400000000 } from './1764400000000-config-manager-sync-state.js';
import { ConfigManagerPendingResets1764450000000 } from './1764450000000-config-manager-pending-resets.js';

/**
 * Registration and registry migrations. TypeORM runs migrations in timestamp order, so the boot policy column
 * (1764300000000) is added after the desired-state part's 1764200000000 although it is listed here.
 */
export const REGISTRY_MIGRATIONS = [
  ConfigManagerRegistryInit1764100000000,
  ConfigManagerBootPolicy1764300000000,
  ConfigManagerSyncState1764400000000,
  ConfigManagerPendingResets1764450000000,
];
