import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { DATA_SOURCE } from '#csms/persistence';
import { ensureModelDefaults } from '../provisioning/model-defaults.js';
import { BootService } from '../registration/boot.service.js';
import { DESIRED_OPTIONS, type ResolvedDesiredOptions } from './desired.options.js';
import { DesiredService } from './desired.service.js';
import { Reconciler } from './reconciler.js';
import { SyncStateTracker } from './sync-state.js';

/**
 * The desired-configuration part's start step, once its providers exist and before the service answers anything
 * (Nest runs every onModuleInit before the transport listens): what the part seeds and whom it tells, switched by
 * the module's options. Registration cannot depend on this part (this part depends on registration's boots), so
 * registration's boot decisions are told here where their desired-configuration inputs come from.
 */
@Injectable()
export class DesiredStartup implements OnModuleInit {
  constructor(
    @Inject(DATA_SOURCE) private readonly db: DataSource,
    @Inject(DESIRED_OPTIONS) private readonly options: ResolvedDesiredOptions,
    @Inject(BootService) private readonly boots: BootService,
    @Inject(DesiredService) private readonly desired: DesiredService,
    @Inject(Reconciler) private readonly reconciler: Reconciler,
    @Inject(SyncStateTracker) private readonly syncState: SyncStateTracker,
  ) {}

  async onModuleInit(): Promise<void> {
    const o = this.options;
    // Before anything reads the desired levels (docs/reference/design-decisions.md#boot-provisioning: at the Zaptec
    // models' level).
    if (o.seedModelDefaults) {
      await ensureModelDefaults(this.db, o.zaptecHeartbeatIntervalS !== undefined ? { HeartbeatInterval: String(o.zaptecHeartbeatIntervalS) } : {});
    }
    // An Accepted boot's interval = the charger's effective desired HeartbeatInterval.
    if (o.bootIntervalFromDesired) this.boots.useAcceptedIntervalFrom((id) => this.desired.heartbeatIntervalFor(id));
    // "Apply the desired configuration before accepting" (docs/reference/design-decisions.md#boot-policy): registration
    // owns the policy, the drift that decides it lives here.
    this.boots.useConfigurationSyncCheck((id, bootAt) => this.desired.notInSyncAtBoot(id, bootAt));
    // Each run's outcome: the charger's sync state (list filter, fleet summary) and the live events.
    this.reconciler.onFinished = (result) => this.syncState.afterRun(result);
  }
}
