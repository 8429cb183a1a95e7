import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { PeriodicTask } from '#csms/runtime';
import { AUTH_OPTIONS, DEFAULT_PROVISIONAL_CHARGER_TTL_S, type AuthOptions } from './auth-options.js';
import { ChargerRegistryService } from './charger-registry.service.js';

/**
 * Removes the records that UNKNOWN_CHARGERS made for sockets that never sent a BootNotification
 * (docs/reference/design-decisions.md#provisional-chargers:
 * 5,000 silent sockets made 5,000 permanent chargers). Runs in every auth replica; a DELETE that finds nothing
 * costs one index scan. Checks every tenth of the time to live (at least every second, at most every minute),
 * so a record lives at most 1.1 x its time to live.
 */
@Injectable()
export class ProvisionalChargerSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('auth-provisional');
  private readonly ttlS: number;
  private readonly task: PeriodicTask;

  constructor(
    @Inject(ChargerRegistryService) private readonly registry: ChargerRegistryService,
    @Inject(AUTH_OPTIONS) options: AuthOptions,
  ) {
    this.ttlS = options.provisionalChargerTtlS ?? DEFAULT_PROVISIONAL_CHARGER_TTL_S;
    this.task = new PeriodicTask('provisional chargers sweep', Math.min(Math.max(this.ttlS * 100, 1_000), 60_000), () => this.sweep(), { log: this.log });
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  onApplicationShutdown(): void {
    this.task.stop();
  }

  async sweep(): Promise<string[]> {
    try {
      const removed = await this.registry.removeStaleProvisional(this.ttlS);
      if (removed.length) this.log.log(`removed ${removed.length} provisional chargers that never booted within ${this.ttlS} s`);
      return removed;
    } catch (err) {
      this.log.warn(`provisional chargers not swept: ${err instanceof Error ? err.message : String(err)}`);
      return [];
    }
  }
}
