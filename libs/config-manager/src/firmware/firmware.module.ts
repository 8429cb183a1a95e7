import { Module, type DynamicModule } from '@nestjs/common';
import { FirmwareCampaignService } from './campaigns.service.js';
import { FirmwareCampaignEngine } from './engine.js';
import { FirmwareCampaignsBusController } from './firmware.controller.js';
import { FIRMWARE_OPTIONS, type FirmwareModuleOptions } from './firmware-options.js';
import { FirmwareCampaignScheduler } from './firmware-scheduler.js';
import { FirmwareCampaignStore } from './store.js';

/**
 * Firmware campaigns (docs/api-firmware-campaigns.md): in config-manager beside the queue they send through and
 * the registry that knows each charger's model, version and boots.
 */
@Module({})
export class FirmwareModule {
  static forRoot(options: FirmwareModuleOptions, registration: DynamicModule, queued: DynamicModule): DynamicModule {
    return {
      module: FirmwareModule,
      imports: [registration, queued],
      controllers: [FirmwareCampaignsBusController],
      providers: [
        { provide: FIRMWARE_OPTIONS, useValue: options },
        FirmwareCampaignStore,
        FirmwareCampaignEngine,
        FirmwareCampaignService,
        FirmwareCampaignScheduler,
      ],
    };
  }
}
