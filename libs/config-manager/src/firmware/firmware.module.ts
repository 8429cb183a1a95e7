import { Logger, Module, type DynamicModule } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { DATA_SOURCE } from '#csms/persistence';
import { BootService } from '../registration/boot.service.js';
import { QueuedCommandService } from '../queued/queued.service.js';
import { FirmwareCampaignService } from './campaigns.service.js';
import { FirmwareCampaignEngine } from './engine.js';
import { FirmwareCampaignsBusController } from './firmware.controller.js';
import { FirmwareCampaignScheduler } from './firmware-scheduler.js';
import { FirmwareCampaignStore } from './store.js';

/**
 * Firmware campaigns (docs/api-firmware-campaigns.md): in config-manager beside the queue they send through and
 * the registry that knows each charger's model, version and boots.
 */
@Module({})
export class FirmwareModule {
  static forRoot(options: { sweepIntervalMs: number }, registration: DynamicModule, queued: DynamicModule): DynamicModule {
    return {
      module: FirmwareModule,
      imports: [registration, queued],
      controllers: [FirmwareCampaignsBusController],
      providers: [
        { provide: FirmwareCampaignStore, inject: [DATA_SOURCE], useFactory: (db: DataSource) => new FirmwareCampaignStore(db) },
        {
          provide: FirmwareCampaignEngine,
          inject: [FirmwareCampaignStore, QueuedCommandService],
          useFactory: (s: FirmwareCampaignStore, q: QueuedCommandService) => new FirmwareCampaignEngine(s, q, new Logger('FirmwareCampaigns')),
        },
        {
          provide: FirmwareCampaignService,
          inject: [FirmwareCampaignStore, FirmwareCampaignEngine, QueuedCommandService],
          useFactory: (s: FirmwareCampaignStore, e: FirmwareCampaignEngine, q: QueuedCommandService) => new FirmwareCampaignService(s, e, q),
        },
        {
          provide: FirmwareCampaignScheduler,
          inject: [BootService, FirmwareCampaignEngine],
          useFactory: (b: BootService, e: FirmwareCampaignEngine) => new FirmwareCampaignScheduler(b, e, options.sweepIntervalMs),
        },
      ],
    };
  }
}
