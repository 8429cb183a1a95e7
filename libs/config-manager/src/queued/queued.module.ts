import { Module, type DynamicModule } from '@nestjs/common';
import { QueuedDelivery } from './delivery.js';
import { QueuedCommandsBusController } from './queued.controller.js';
import { QueuedScheduler } from './queued-scheduler.js';
import { QueuedCommandService } from './queued.service.js';
import { QueuedCommandStore } from './store.js';

import { QUEUED_OPTIONS, type QueuedModuleOptions } from './queued-options.js';

export type { QueuedModuleOptions };

/**
 * Queued commands for offline chargers (docs/reference/design-decisions.md#queued-commands): here because
 * config-manager owns the registry (who is known, connected, booted) and hears every BootNotification.
 */
@Module({})
export class QueuedModule {
  static forRoot(options: QueuedModuleOptions, registration: DynamicModule): DynamicModule {
    return {
      module: QueuedModule,
      imports: [registration],
      controllers: [QueuedCommandsBusController],
      // Firmware campaigns send UpdateFirmware through the queue.
      exports: [QueuedCommandService],
      providers: [{ provide: QUEUED_OPTIONS, useValue: options }, QueuedCommandStore, QueuedDelivery, QueuedCommandService, QueuedScheduler],
    };
  }
}
