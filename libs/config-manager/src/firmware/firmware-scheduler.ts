import { Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { BootedCharger, BootService } from '../registration/boot.service.js';
import type { FirmwareCampaignEngine } from './engine.js';

/**
 * When campaigns move besides their chargers' FirmwareStatusNotifications: after every BootNotification (the
 * success check; it only writes rows, never addresses the booting charger) and at every sweep (timeouts, and
 * campaigns another replica left half-advanced).
 */
export class FirmwareCampaignScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly boots: BootService,
    private readonly engine: FirmwareCampaignEngine,
    private readonly sweepIntervalMs: number,
    private readonly log: Pick<Logger, 'warn'> = new Logger('FirmwareCampaignScheduler'),
  ) {}

  onApplicationBootstrap(): void {
    this.boots.onBooted((booted: BootedCharger) => {
      if (this.stopped) return;
      this.engine
        .onBoot(booted.chargerId, booted.boot.firmwareVersion)
        .catch((err: unknown) =>
          this.log.warn(`firmware campaigns after the boot of ${booted.chargerId}: ${err instanceof Error ? err.message : String(err)}`),
        );
    });
    void this.sweep();
    if (this.sweepIntervalMs > 0) {
      this.timer = setInterval(() => void this.sweep(), this.sweepIntervalMs);
      this.timer.unref();
    }
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    clearInterval(this.timer);
  }

  private async sweep(): Promise<void> {
    try {
      await this.engine.sweep();
    } catch (err) {
      this.log.warn(`firmware campaigns sweep skipped: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}
