import { Module } from '@nestjs/common';
import { QueuedCommandsApiController } from '../queued/api/queued-commands.controller.js';
import { FirmwareCampaignsApiController } from '../firmware/api/firmware-campaigns.controller.js';
import { SiteLimitsApiController } from '../site-limits/api/site-limits.controller.js';
import { ChargersController } from './chargers.controller.js';

/**
 * The registry's HTTP routes, mounted by the gateway (which provides BUS and the global validation pipe).
 * Also the queued commands' read and cancel routes, firmware campaigns and site limits. Holds no service logic: every route asks config-manager (and metering) over the bus.
 */
@Module({ controllers: [ChargersController, QueuedCommandsApiController, FirmwareCampaignsApiController, SiteLimitsApiController] })
export class RegistryApiModule {}
