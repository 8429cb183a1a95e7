import { Inject, Injectable, Logger, Optional, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { PeriodicTask } from '#csms/runtime';
import { BootService, type BootedCharger } from '../registration/boot.service.js';
import { FirmwareCampaignEngine } from './engine.js';
import { FIRMWARE_OPTIONS, type FirmwareModuleOptions } from './firmware-options.js';

/**
 * When campaigns move besides their chargers' FirmwareStatusNotifications: after every BootNotification (the
 * success check; it only writes rows, never addresses the booting charger) and at every sweep (timeouts, and
 * campaigns another replica left half-advanced).
 */
@Injectable()
export class FirmwareCampaignScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private stopped = false;
  private readonly sweeps: PeriodicTask;

  constructor(
    @Inject(BootService) private readonly boots: BootService,
    @Inject(FirmwareCampaignEngine) private readonly engine: FirmwareCampaignEngine,
    @Inject(FIRMWARE_OPTIONS) options: FirmwareModuleOptions,
    @Optional() private readonly log: Pick<Logger, 'warn'> = new Logger('FirmwareCampaignScheduler'),
  ) {
    this.sweeps = new PeriodicTask('firmware campaigns sweep', options.sweepIntervalMs, () => this.engine.sweep(), { runAtStart: true, log });
  }

  onApplicationBootstrap(): void {
    this.boots.onBooted((booted: BootedCharger) => {
      if (this.stopped) return;
      this.engine
        .onBoot(booted.chargerId, booted.boot.firmwareVersion)
        .catch((err: unknown) =>
          this.log.warn(`firmware campaigns after the boot of ${booted.chargerId}: ${err instanceof Error ? err.message : String(err)}`),
        );
    });
    this.sweeps.start();
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    this.sweeps.stop();
  }
}
