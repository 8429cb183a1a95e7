import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { BUS, recordFact, type Bus, type ChargingProfileAppliedFact } from '#csms/bus';
import { Reconciler } from '../desired/reconciler.js';
import { ProfileReconciler } from './reconciler.js';

/**
 * The charging-profiles part's start step (as the desired part's DesiredStartup): whom the profile reconciler tells,
 * and that every configuration run that reached the charger is followed by one of the profiles, which then knows the
 * charger's freshly read SmartCharging keys.
 */
@Injectable()
export class ChargingProfilesStartup implements OnModuleInit {
  private readonly log = new Logger('ChargingProfiles');

  constructor(
    @Inject(BUS) private readonly bus: Bus,
    @Inject(Reconciler) private readonly configuration: Reconciler,
    @Inject(ProfileReconciler) private readonly profiles: ProfileReconciler,
  ) {}

  onModuleInit(): void {
    // Each SetChargingProfile / ClearChargingProfile sent, for live dashboards (the `charging-profile` live event).
    this.profiles.onFinished = async (result) => {
      const at = new Date().toISOString();
      for (const sent of result.sent) {
        const fact: ChargingProfileAppliedFact = { chargerId: result.chargerId, ...sent, at };
        await recordFact(this.bus, result.chargerId, 'ChargingProfileApplied', fact);
      }
    };
    this.configuration.afterEachRun((result) => {
      // Not awaited: the configuration's run (and the connection event it acks) does not wait for the profiles.
      if (result.status === 'done') {
        this.profiles
          .request(result.chargerId)
          .catch((err: unknown) => this.log.warn(`${result.chargerId}: ${err instanceof Error ? err.message : String(err)}`));
      }
    });
  }
}
