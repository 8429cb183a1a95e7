import { Logger, Module, type DynamicModule } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { BUS, type Bus } from '#csms/bus';
import { DATA_SOURCE } from '#csms/persistence';
import { CONFIG_MANAGER_OPTIONS, type ResolvedConfigManagerOptions } from '../config-manager.options.js';
import { NeverBootedSweeper } from '../registry/never-booted.js';
import { BootService } from './boot.service.js';
import { busRegistrationLookup } from './registration-lookup.js';
import { RegistrationController } from './registration.controller.js';
import { ResetLinks } from './reset-links.js';

/** BootNotification and DataTransfer. Exports BootService so other parts can `onBooted(...)`. */
@Module({})
export class RegistrationModule {
  static forRoot(options: ResolvedConfigManagerOptions): DynamicModule {
    return {
      module: RegistrationModule,
      controllers: [RegistrationController],
      providers: [
        { provide: CONFIG_MANAGER_OPTIONS, useValue: options },
        // Here because these options are: the rows it removes are the registry's (never-booted.ts).
        NeverBootedSweeper,
        { provide: ResetLinks, inject: [DATA_SOURCE], useFactory: (db: DataSource) => new ResetLinks(db) },
        {
          provide: BootService,
          inject: [DATA_SOURCE, CONFIG_MANAGER_OPTIONS, { token: BUS, optional: true }],
          useFactory: (db: DataSource, o: ResolvedConfigManagerOptions, bus: Bus | undefined) => {
            const lookup = o.registrationLookup ?? (bus ? busRegistrationLookup(bus, o.registrationTimeoutMs) : undefined);
            if (!lookup) throw new Error('ConfigManagerModule needs the BUS provider (BusModule.forRoot) or a registrationLookup option');
            return new BootService(db, lookup, o, new Logger('BootService'));
          },
        },
      ],
      exports: [BootService],
    };
  }
}
