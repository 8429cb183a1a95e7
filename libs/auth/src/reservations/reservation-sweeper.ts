import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { PeriodicTask } from '#csms/runtime';
import { AUTH_OPTIONS, type AuthOptions } from '../auth-options.js';
import { ReservationsService } from './reservations.service.js';

export const DEFAULT_RESERVATION_SWEEP_MS = 10_000;

/**
 * Expires reservations whose time is up (OCPP 1.6 §5.13: the charger drops them at expiryDate by itself). Runs in
 * every auth replica; the conditional UPDATE makes each expiry happen once. Reads and StartTransactions also check
 * expiry, so the sweep only bounds how late a reservation nobody looks at shows as expired.
 */
@Injectable()
export class ReservationSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('auth-reservations');
  private readonly task: PeriodicTask;

  constructor(
    @Inject(ReservationsService) private readonly reservations: ReservationsService,
    @Inject(AUTH_OPTIONS) options: AuthOptions,
  ) {
    this.task = new PeriodicTask('reservations sweep', options.reservationSweepMs ?? DEFAULT_RESERVATION_SWEEP_MS, () => this.sweep(), { log: this.log });
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  onApplicationShutdown(): void {
    this.task.stop();
  }

  async sweep(): Promise<void> {
    try {
      const expired = await this.reservations.expire();
      if (expired.length) this.log.log(`expired ${expired.length} reservation(s): ${expired.map((r) => r.reservationId).join(', ')}`);
    } catch (err) {
      this.log.warn(`reservations not swept: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}
