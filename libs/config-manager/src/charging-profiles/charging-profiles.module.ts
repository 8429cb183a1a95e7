import { Module, type DynamicModule } from '@nestjs/common';
import { CHARGING_PROFILE_OPTIONS, type ChargingProfileOptions } from './charging-profile-options.js';
import { ChargingProfilesController } from './charging-profiles.controller.js';
import { ChargingProfilesService } from './charging-profiles.service.js';
import { ChargingProfilesStartup } from './charging-profiles-startup.js';
import { ProfileReconciler } from './reconciler.js';
import { ChargingProfileStore } from './store.js';

/**
 * Desired charging profiles (docs/charging-profiles.md). Rides on the desired configuration's reconciliation
 * (ChargingProfilesStartup). `desired` is the DesiredModule instance of the same service (for its Reconciler).
 */
@Module({})
export class ChargingProfilesModule {
  static forRoot(options: ChargingProfileOptions, desired: DynamicModule): DynamicModule {
    return {
      module: ChargingProfilesModule,
      imports: [desired],
      controllers: [ChargingProfilesController],
      providers: [
        { provide: CHARGING_PROFILE_OPTIONS, useValue: options },
        ChargingProfileStore,
        ProfileReconciler,
        ChargingProfilesService,
        ChargingProfilesStartup,
      ],
      exports: [ChargingProfilesService, ProfileReconciler],
    };
  }
}
