import { Inject, Injectable, Logger, Optional, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { PeriodicTask } from '#csms/runtime';
import { BootService } from '../registration/boot.service.js';
import { registerBootProvisioning } from '../provisioning/boot-provisioning.js';
import { ChargerStateStore } from './charger-state.store.js';
import { DESIRED_OPTIONS, type ResolvedDesiredOptions } from './desired.options.js';
import { Reconciler } from './reconciler.js';

/**
 * What starts reconciliations besides connection events: every BootNotification (boot provisioning) and the
 * periodic re-check that catches drift made at the charger (docs/reference/design-decisions.md#desired-configuration).
 */
@Injectable()
export class ReconcileScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private provisioning?: { stop(): void };
  private readonly rechecks: PeriodicTask;

  constructor(
    @Inject(BootService) private readonly boots: BootService,
    @Inject(ChargerStateStore) private readonly state: ChargerStateStore,
    @Inject(Reconciler) private readonly reconciler: Reconciler,
    @Inject(DESIRED_OPTIONS) private readonly options: Pick<ResolvedDesiredOptions, 'recheckIntervalMs' | 'bootReconcileDelayMs'>,
    @Optional() private readonly log: Pick<Logger, 'warn'> = new Logger('ReconcileScheduler'),
  ) {
    this.rechecks = new PeriodicTask('re-check', options.recheckIntervalMs, () => this.recheck(), { log });
  }

  onApplicationBootstrap(): void {
    this.provisioning = registerBootProvisioning(this.boots, this.state, this.reconciler, this.options.bootReconcileDelayMs);
    // A config-manager killed mid-reconciliation leaves keys 'pending'; the connection event that started
    // it is redelivered only after its long ack wait, so resume those chargers now
    // (docs/reference/design-decisions.md#desired-configuration: a restarted
    // config-manager finishes the reconciliation it was in).
    void this.resumeInterrupted();
    this.rechecks.start();
  }

  onApplicationShutdown(): void {
    this.rechecks.stop();
    this.provisioning?.stop();
  }

  async resumeInterrupted(): Promise<void> {
    try {
      const ids = await this.state.interruptedChargers();
      await Promise.all(
        ids.map((id) =>
          this.reconciler.request(id).catch((err: unknown) => this.log.warn(`resuming ${id} failed: ${err instanceof Error ? err.message : String(err)}`)),
        ),
      );
    } catch (err) {
      this.log.warn(`resuming interrupted reconciliations skipped: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** Re-runs reconciliation for every connected charger (the reconciler bounds how many run at once). */
  async recheck(): Promise<void> {
    try {
      const ids = await this.state.connectedChargers();
      await Promise.all(
        ids.map((id) =>
          this.reconciler.request(id).catch((err: unknown) => this.log.warn(`re-check of ${id} failed: ${err instanceof Error ? err.message : String(err)}`)),
        ),
      );
    } catch (err) {
      this.log.warn(`re-check skipped: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}
