import { ConfigManagerRegistryInit1764100000000 } from './1764100000000-config-manager-registry.js';

export { ConfigManagerRegistryInit1764100000000 };

/** Registration and registry migrations, oldest first. The desired-state part appends its own after these. */
export const REGISTRY_MIGRATIONS = [ConfigManagerRegistryInit1764100000000];
