import { Inject, Injectable, Logger, Optional, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { PeriodicTask } from '#csms/runtime';
import { afterEachBoot } from '../registration/after-boot.js';
import { BootService } from '../registration/boot.service.js';
import { QueuedDelivery } from './delivery.js';
import { QUEUED_OPTIONS } from './queued-options.js';

/**
 * When queued commands go out: after every Accepted BootNotification (as boot provisioning, `delayMs` after
 * it: a charger may not be addressed before it has its answer, docs/reference/protocol-notes.md#boot-states),
 * and at every sweep (at start-up too), which expires what is due and serves connected, Accepted chargers that
 * reconnected without booting.
 */
@Injectable()
export class QueuedScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private afterBoots?: { stop(): void };
  private readonly sweeps: PeriodicTask;

  constructor(
    @Inject(BootService) private readonly boots: BootService,
    @Inject(QueuedDelivery) private readonly delivery: QueuedDelivery,
    @Inject(QUEUED_OPTIONS) private readonly options: { bootDelayMs: number; sweepIntervalMs: number },
    @Optional() private readonly log: Pick<Logger, 'warn'> = new Logger('QueuedScheduler'),
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
