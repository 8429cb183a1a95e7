import { Module } from '@nestjs/common';
import { QueuedCommandsApiController } from '../queued/api/queued-commands.controller.js';
import { FirmwareCampaignsApiController } from '../firmware/api/firmware-campaigns.controller.js';
import { SiteLimitsApiController } from '../site-limits/api/site-limits.controller.js';
import { ChargersController } from './chargers.controller.js';
import { ChargingProfilesApiController } from '../charging-profiles/api/charging-profiles-api.controller.js';

/**
 * The registry's HTTP routes, mounted by the gateway (which provides BUS and the global validation pipe).
 * Also the queued commands' read and cancel routes, firmware campaigns, desired charging profiles and site limits. Holds no service logic: every route asks config-manager (and metering) over the bus.
 */
@Module({
  controllers: [ChargersController, QueuedCommandsApiController, FirmwareCampaignsApiController, ChargingProfilesApiController, SiteLimitsApiController],
})
export class RegistryApiModule {}
