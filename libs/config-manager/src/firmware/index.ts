import { ConfigManagerFirmwareCampaigns1764610000000 } from './migration.js';
import { ConfigManagerSignedFirmware1764620000000 } from './signed-migration.js';

// The firmware part's migrations, for the service's list in ../index.ts.
export const FIRMWARE_MIGRATIONS = [ConfigManagerFirmwareCampaigns1764610000000, ConfigManagerSignedFirmware1764620000000];
