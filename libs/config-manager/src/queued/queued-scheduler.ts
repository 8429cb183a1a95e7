import { Inject, Injectable, Logger, Optional, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { PeriodicTask } from '#csms/runtime';
import { BootService, type BootedCharger } from '../registration/boot.service.js';
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
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;
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
    this.boots.onBooted((booted: BootedCharger) => {
      if (this.stopped || booted.status !== 'Accepted') return;
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.delivery
          .afterBoot(booted.chargerId)
          .catch((err: unknown) => this.log.warn(`queued commands of ${booted.chargerId} after its boot: ${err instanceof Error ? err.message : String(err)}`));
      }, this.options.bootDelayMs);
      this.timers.add(timer);
    });
    this.sweeps.start();
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    this.sweeps.stop();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.delivery.stop();
  }
}
