import { Module, type DynamicModule } from '@nestjs/common';
import { BUS, type Bus } from '#csms/bus';
import { CONFIG_MANAGER_OPTIONS, type ResolvedConfigManagerOptions } from '../config-manager.options.js';
import { NeverBootedSweeper } from '../registry/never-booted.js';
import { BootService } from './boot.service.js';
import { REGISTRATION_LOOKUP, busRegistrationLookup, type RegistrationLookup } from './registration-lookup.js';
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
        ResetLinks,
        // A factory, not a class: it only picks the lookup, the one given in the options (tests, a single process)
        // or metering's over the bus, and refuses to build a container that has neither.
        {
          provide: REGISTRATION_LOOKUP,
          inject: [{ token: BUS, optional: true }],
          useFactory: (bus: Bus | undefined): RegistrationLookup => {
            const lookup = options.registrationLookup ?? (bus ? busRegistrationLookup(bus, options.registrationTimeoutMs) : undefined);
            if (!lookup) throw new Error('ConfigManagerModule needs the BUS provider (BusModule.forRoot) or a registrationLookup option');
            return lookup;
          },
        },
        BootService,
      ],
      exports: [BootService],
    };
  }
}
