import { Module, type DynamicModule } from '@nestjs/common';
import { ChargerLink } from './charger-link.js';
import { ChargerStateStore } from './charger-state.store.js';
import { DesiredController } from './desired.controller.js';
import { DesiredStartup } from './desired-startup.js';
import { DESIRED_OPTIONS, type ResolvedDesiredOptions } from './desired.options.js';
import { DesiredService } from './desired.service.js';
import { DesiredStore } from './desired-store.js';
import { ReconcileScheduler } from './reconcile-scheduler.js';
import { Reconciler } from './reconciler.js';
import { SyncStateTracker } from './sync-state.js';

/**
 * Desired-state configuration: levels, validation, reconciliation, drift, the config-manager verbs of desired
 * configuration. `registration` is the RegistrationModule instance of the same service (its BootService); what this
 * part seeds and tells registration at start is DesiredStartup, switched by `options`.
 */
@Module({})
export class DesiredModule {
  static forRoot(options: ResolvedDesiredOptions, registration: DynamicModule): DynamicModule {
    return {
      module: DesiredModule,
      imports: [registration],
      controllers: [DesiredController],
      providers: [
        { provide: DESIRED_OPTIONS, useValue: options },
        DesiredStore,
        ChargerStateStore,
        ChargerLink,
        Reconciler,
        DesiredService,
        SyncStateTracker,
        ReconcileScheduler,
        DesiredStartup,
      ],
      exports: [DesiredService, Reconciler],
    };
  }
}
