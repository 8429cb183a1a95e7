import { Logger, Module, type DynamicModule } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { BUS, type Bus } from '#csms/bus';
import { DATA_SOURCE } from '#csms/persistence';
import { ensureModelDefaults } from '../provisioning/model-defaults.js';
import { BootService } from '../registration/boot.service.js';
import { ChargerLink } from './charger-link.js';
import { ChargerStateStore } from './charger-state.store.js';
import { DesiredController } from './desired.controller.js';
import { DESIRED_OPTIONS, type ResolvedDesiredOptions } from './desired.options.js';
import { DesiredService } from './desired.service.js';
import { DesiredStore } from './desired-store.js';
import { ReconcileScheduler } from './reconcile-scheduler.js';
import { Reconciler } from './reconciler.js';
import { SyncStateTracker } from './sync-state.js';

const MODEL_DEFAULTS_SEEDED = Symbol.for('csms.config-manager.model-defaults-seeded');

/**
 * Desired-state configuration: levels, validation, reconciliation, drift, `api.config-manager.*`.
 * `registration` is the RegistrationModule instance of the same service (for BootService.onBooted).
 */
const BOOT_INTERVAL_HOOK = Symbol('boot-interval-hook');
const BOOT_SYNC_HOOK = Symbol('boot-sync-hook');
const SYNC_STATE_HOOK = Symbol('sync-state-hook');

@Module({})
export class DesiredModule {
  static forRoot(options: ResolvedDesiredOptions, registration: DynamicModule): DynamicModule {
    return {
      module: DesiredModule,
      imports: [registration],
      controllers: [DesiredController],
      providers: [
        { provide: DESIRED_OPTIONS, useValue: options },
        // Seeded before anything reads the desired levels (docs/reference/design-decisions.md#boot-provisioning: at the
        // Zaptec models' level).
        {
          provide: MODEL_DEFAULTS_SEEDED,
          inject: [DATA_SOURCE],
          useFactory: (db: DataSource) =>
            ensureModelDefaults(db, options.zaptecHeartbeatIntervalS !== undefined ? { HeartbeatInterval: String(options.zaptecHeartbeatIntervalS) } : {}),
        },
        { provide: DesiredStore, inject: [DATA_SOURCE, MODEL_DEFAULTS_SEEDED], useFactory: (db: DataSource) => new DesiredStore(db) },
        { provide: ChargerStateStore, inject: [DATA_SOURCE], useFactory: (db: DataSource) => new ChargerStateStore(db) },
        {
          provide: ChargerLink,
          inject: [BUS, DESIRED_OPTIONS],
          useFactory: (bus: Bus, o: ResolvedDesiredOptions) => new ChargerLink(bus, o.commandTimeoutMs, new Logger('ChargerLink')),
        },
        {
          provide: Reconciler,
          inject: [DATA_SOURCE, DesiredStore, ChargerStateStore, ChargerLink, DESIRED_OPTIONS],
          useFactory: (db: DataSource, d: DesiredStore, s: ChargerStateStore, l: ChargerLink, o: ResolvedDesiredOptions) =>
            new Reconciler(db, d, s, l, o, new Logger('Reconciler')),
        },
        {
          provide: DesiredService,
          inject: [DATA_SOURCE, DesiredStore, ChargerStateStore, Reconciler],
          useFactory: (db: DataSource, d: DesiredStore, s: ChargerStateStore, r: Reconciler) => new DesiredService(db, d, s, r, new Logger('DesiredService')),
        },
        {
          // BootNotification's interval = the charger's effective desired HeartbeatInterval.
          provide: BOOT_INTERVAL_HOOK,
          inject: [BootService, DesiredService],
          useFactory: (b: BootService, d: DesiredService) => {
            b.useAcceptedIntervalFrom((id) => d.heartbeatIntervalFor(id));
            return true;
          },
        },
        {
          // "Apply the desired configuration before accepting" (docs/reference/design-decisions.md#boot-policy):
          // registration owns the policy, the
          // drift that decides it lives here.
          provide: BOOT_SYNC_HOOK,
          inject: [BootService, DesiredService],
          useFactory: (b: BootService, d: DesiredService) => {
            b.useConfigurationSyncCheck((id, bootAt) => d.notInSyncAtBoot(id, bootAt));
            return true;
          },
        },
        {
          // Each run's outcome: the charger's sync state (list filter, fleet summary) and the live events.
          provide: SYNC_STATE_HOOK,
          inject: [DATA_SOURCE, Reconciler, DesiredService, BUS],
          useFactory: (db: DataSource, r: Reconciler, d: DesiredService, bus: Bus) => {
            const tracker = new SyncStateTracker(db, d, bus);
            r.onFinished = (result) => tracker.afterRun(result);
            return true;
          },
        },
        {
          provide: ReconcileScheduler,
          inject: [BootService, ChargerStateStore, Reconciler, DESIRED_OPTIONS],
          useFactory: (b: BootService, s: ChargerStateStore, r: Reconciler, o: ResolvedDesiredOptions) => new ReconcileScheduler(b, s, r, o),
        },
      ],
      exports: [DesiredService, Reconciler],
    };
  }
}
