import { ConfigManagerFirmwareCampaigns1764610000000 } from './migration.js';
import { ConfigManagerSignedFirmware1764620000000 } from './signed-migration.js';

export { FirmwareModule } from './firmware.module.js';
export { FirmwareCampaignsApiController } from './api/firmware-campaigns.controller.js';
export { ConfigManagerFirmwareCampaigns1764610000000, ConfigManagerSignedFirmware1764620000000 };

export const FIRMWARE_MIGRATIONS = [ConfigManagerFirmwareCampaigns1764610000000, ConfigManagerSignedFirmware1764620000000];
