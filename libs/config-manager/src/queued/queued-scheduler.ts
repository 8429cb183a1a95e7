import { Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { BootedCharger, BootService } from '../registration/boot.service.js';
import type { QueuedDelivery } from './delivery.js';

/**
 * When queued commands go out: after every Accepted BootNotification (as boot provisioning, `delayMs` after
 * it: a charger may not be addressed before it has its answer, docs/reference/protocol-notes.md#boot-states),
 * and at every sweep (at start-up too), which expires what is due and serves connected, Accepted chargers that
 * reconnected without booting.
 */
export class QueuedScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(
    private readonly boots: BootService,
    private readonly delivery: QueuedDelivery,
    private readonly options: { bootDelayMs: number; sweepIntervalMs: number },
    private readonly log: Pick<Logger, 'warn'> = new Logger('QueuedScheduler'),
  ) {}

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
    void this.sweep();
    if (this.options.sweepIntervalMs > 0) {
      this.timer = setInterval(() => void this.sweep(), this.options.sweepIntervalMs);
      this.timer.unref();
    }
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    clearInterval(this.timer);
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.delivery.stop();
  }

  private async sweep(): Promise<void> {
    try {
      await this.delivery.sweep();
    } catch (err) {
      this.log.warn(`queued commands sweep skipped: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}
