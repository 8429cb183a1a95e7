import { Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { PeriodicTask } from '#csms/runtime';
import { afterEachBoot } from '../registration/after-boot.js';
import type { BootService } from '../registration/boot.service.js';
import type { QueuedDelivery } from './delivery.js';

/**
 * When queued commands go out: after every Accepted BootNotification (as boot provisioning, `delayMs` after
 * it: a charger may not be addressed before it has its answer, docs/reference/protocol-notes.md#boot-states),
 * and at every sweep (at start-up too), which expires what is due and serves connected, Accepted chargers that
 * reconnected without booting.
 */
export class QueuedScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private afterBoots?: { stop(): void };
  private readonly sweeps: PeriodicTask;

  constructor(
    private readonly boots: BootService,
    private readonly delivery: QueuedDelivery,
    private readonly options: { bootDelayMs: number; sweepIntervalMs: number },
    private readonly log: Pick<Logger, 'warn'> = new Logger('QueuedScheduler'),
  ) {
    this.sweeps = new PeriodicTask('queued commands sweep', options.sweepIntervalMs, () => this.delivery.sweep(), { runAtStart: true, log });
  }

  onApplicationBootstrap(): void {
    this.afterBoots = afterEachBoot(
      this.boots,
      { when: (b) => b.status === 'Accepted', delayMs: this.options.bootDelayMs, what: 'queued commands', log: this.log },
      (chargerId) => this.delivery.afterBoot(chargerId),
    );
    this.sweeps.start();
  }

  onApplicationShutdown(): void {
    this.sweeps.stop();
    this.afterBoots?.stop();
    this.delivery.stop();
  }
}
