import { Logger, Module, type DynamicModule } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { BUS, recordFact, type Bus, type ChargingProfileAppliedFact } from '#csms/bus';
import { DATA_SOURCE } from '#csms/persistence';
import { Reconciler } from '../desired/reconciler.js';
import { ChargingProfilesController } from './charging-profiles.controller.js';
import { ChargingProfilesService } from './charging-profiles.service.js';
import { ProfileReconciler } from './reconciler.js';
import { ChargingProfileStore } from './store.js';

const AFTER_CONFIGURATION_HOOK = Symbol('charging-profiles-after-configuration');

/**
 * Desired charging profiles (docs/charging-profiles.md). Rides on the desired configuration's reconciliation: every
 * run that reached the charger (connect, boot, periodic re-check, a configuration change) is followed by one of the
 * profiles, which then knows the charger's freshly read SmartCharging keys. `desired` is the DesiredModule instance of
 * the same service (for its Reconciler).
 */
@Module({})
export class ChargingProfilesModule {
  static forRoot(options: { commandTimeoutMs: number }, desired: DynamicModule): DynamicModule {
    return {
      module: ChargingProfilesModule,
      imports: [desired],
      controllers: [ChargingProfilesController],
      providers: [
        { provide: ChargingProfileStore, inject: [DATA_SOURCE], useFactory: (db: DataSource) => new ChargingProfileStore(db) },
        {
          provide: ProfileReconciler,
          inject: [ChargingProfileStore, BUS],
          useFactory: (s: ChargingProfileStore, bus: Bus) => {
            const r = new ProfileReconciler(s, bus, options.commandTimeoutMs);
            // Each SetChargingProfile / ClearChargingProfile sent, for live dashboards (the `charging-profile` live event).
            r.onFinished = async (result) => {
              const at = new Date().toISOString();
              for (const sent of result.sent) {
                const fact: ChargingProfileAppliedFact = { chargerId: result.chargerId, ...sent, at };
                await recordFact(bus, result.chargerId, 'ChargingProfileApplied', fact);
              }
            };
            return r;
          },
        },
        {
          provide: ChargingProfilesService,
          inject: [ChargingProfileStore, ProfileReconciler, BUS],
          useFactory: (s: ChargingProfileStore, r: ProfileReconciler, bus: Bus) => new ChargingProfilesService(s, r, bus, options.commandTimeoutMs),
        },
        {
          provide: AFTER_CONFIGURATION_HOOK,
          inject: [Reconciler, ProfileReconciler],
          useFactory: (configuration: Reconciler, profiles: ProfileReconciler) => {
            const log = new Logger('ChargingProfiles');
            configuration.afterEachRun((result) => {
              // Not awaited: the configuration's run (and the connection event it acks) does not wait for the profiles.
              if (result.status === 'done') {
                profiles
                  .request(result.chargerId)
                  .catch((err: unknown) => log.warn(`${result.chargerId}: ${err instanceof Error ? err.message : String(err)}`));
              }
            });
            return true;
          },
        },
      ],
      exports: [ChargingProfilesService, ProfileReconciler],
    };
  }
}
