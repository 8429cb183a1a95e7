import { Logger, Module, type DynamicModule } from '@nestjs/common';
import { BUS, type Bus } from '#csms/bus';
import { BootService } from '../registration/boot.service.js';
import { QueuedDelivery } from './delivery.js';
import { QueuedCommandsBusController } from './queued.controller.js';
import { QueuedScheduler } from './queued-scheduler.js';
import { QueuedCommandService } from './queued.service.js';
import { QueuedCommandStore } from './store.js';

export interface QueuedModuleOptions {
  commandTimeoutMs: number;
  bootDelayMs: number;
  sweepIntervalMs: number;
}

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
      providers: [
        QueuedCommandStore,
        {
          provide: QueuedDelivery,
          inject: [QueuedCommandStore, BUS],
          useFactory: (s: QueuedCommandStore, bus: Bus) =>
            new QueuedDelivery(s, bus, { commandTimeoutMs: options.commandTimeoutMs }, new Logger('QueuedDelivery')),
        },
        QueuedCommandService,
        {
          provide: QueuedScheduler,
          inject: [BootService, QueuedDelivery],
          useFactory: (b: BootService, d: QueuedDelivery) =>
            new QueuedScheduler(b, d, { bootDelayMs: options.bootDelayMs, sweepIntervalMs: options.sweepIntervalMs }),
        },
      ],
    };
  }
}
