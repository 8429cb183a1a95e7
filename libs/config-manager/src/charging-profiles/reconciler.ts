import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { BUS, sendCommand, type Bus, type CommandReply } from '#csms/bus';
import type { ClearChargingProfileResponse, SetChargingProfileResponse } from '#csms/ocpp';
import { isActionSupported, type ChargerModel } from '#csms/zaptec-profile';
import { capabilitiesOfModel } from '../registry/charger-model.js';
import { limitsOf } from './charger-limits.js';
import { CHARGING_PROFILE_OPTIONS, type ChargingProfileOptions } from './charging-profile-options.js';
import { ChargingProfileStore, effectiveProfiles, profileHash, type ProfileStateView } from './store.js';
import type { ProfileOutcome } from './types.js';
import { checkAgainstCharger } from './validation.js';

export const PROFILE_ORIGIN = 'config-manager:charging-profiles';

export interface ProfileApplied {
  chargingProfileId: number;
  action: 'set' | 'clear';
  outcome: ProfileOutcome | 'Unknown';
  message?: string;
}
export interface ProfileReconcileResult {
  chargerId: string;
  status: 'done' | 'not-applicable' | 'not-connected' | 'timeout' | 'unknown-charger';
  sent: ProfileApplied[];
}

/** Answers that say the charger never took the profile: nothing to clear when it leaves the desired state. */
const NEVER_HELD = new Set<ProfileOutcome>(['not-applicable', 'not-sent', 'Rejected', 'NotSupported', 'CALLERROR', 'not-connected']);

/**
 * Whether a profile must be sent (again) (docs/charging-profiles.md#reconciliation): never sent, changed since, or
 * its last attempt got no answer; or the charger booted or reconnected since the last attempt, as a charger may lose
 * its profiles on a reboot (OCPP 1.6 keeps them only "if possible") and a refusal may not hold for new firmware.
 */
function mustSend(st: ProfileStateView | undefined, hash: string, lastStartAt: Date | null): boolean {
  if (st === undefined || st.action === 'clear' || st.profileHash !== hash) return true;
  if (st.outcome === 'pending' || st.outcome === 'timeout' || st.outcome === 'not-connected' || st.outcome === 'not-applicable') return true;
  return lastStartAt !== null && Date.parse(st.at) < lastStartAt.getTime();
}

function outcomeOf(reply: CommandReply<{ status: string }>): { outcome: ProfileOutcome; message?: string; status?: string } {
  switch (reply.status) {
    case 'ok':
      return {
        outcome: reply.result.status === 'Accepted' ? 'Accepted' : reply.result.status === 'NotSupported' ? 'NotSupported' : 'Rejected',
        status: reply.result.status,
      };
    case 'timeout':
      return { outcome: 'timeout' };
    case 'connection-lost':
      return { outcome: 'timeout', message: 'connection closed before the charger answered' };
    case 'not-connected':
      return { outcome: 'not-connected' };
    case 'callerror':
      return { outcome: 'CALLERROR', message: `CALLERROR ${reply.code}: ${reply.description}` };
    case 'invalid':
      return { outcome: 'CALLERROR', message: `invalid answer: ${reply.errors.map((e) => `${e.path} ${e.message}`).join('; ')}` };
  }
}

/**
 * Brings a charger's charging profiles to the desired ones: SetChargingProfile for each that must be sent,
 * ClearChargingProfile (by id only) for each that left the desired state. Never touches a profile id this part did
 * not store, so the site limits' profiles (SITE_LIMIT_PROFILE_ID_MIN and up) stay as they are. One run per charger at
 * a time; requests meanwhile share one follow-up run.
 */
@Injectable()
export class ProfileReconciler {
  private readonly running = new Map<string, { current: Promise<ProfileReconcileResult>; next?: Promise<ProfileReconcileResult> }>();
  /** Told every finished run (the live events). */
  onFinished?: (result: ProfileReconcileResult) => Promise<void>;

  constructor(
    @Inject(ChargingProfileStore) private readonly store: ChargingProfileStore,
    @Inject(BUS) private readonly bus: Bus,
    @Inject(CHARGING_PROFILE_OPTIONS) private readonly options: ChargingProfileOptions,
    @Optional() private readonly log: Pick<Logger, 'warn'> = new Logger('ProfileReconciler'),
  ) {}

  request(chargerId: string): Promise<ProfileReconcileResult> {
    const slot = this.running.get(chargerId);
    if (!slot) {
      const current = this.runOnce(chargerId);
      this.running.set(chargerId, { current });
      return current;
    }
    slot.next ??= slot.current.catch(() => undefined).then(() => this.runOnce(chargerId));
    return slot.next;
  }

  busy(chargerId: string): boolean {
    return this.running.has(chargerId);
  }

  private async runOnce(chargerId: string): Promise<ProfileReconcileResult> {
    try {
      const result = await this.reconcile(chargerId);
      await this.onFinished?.(result).catch((err: unknown) => this.log.warn(`${chargerId}: ${err instanceof Error ? err.message : String(err)}`));
      return result;
    } finally {
      const slot = this.running.get(chargerId);
      if (slot?.next) this.running.set(chargerId, { current: slot.next });
      else this.running.delete(chargerId);
    }
  }

  private async reconcile(chargerId: string): Promise<ProfileReconcileResult> {
    const result: ProfileReconcileResult = { chargerId, status: 'done', sent: [] };
    const facts = await this.store.facts(chargerId);
    if (!facts.known) return { ...result, status: 'unknown-charger' };
    const { groupProfiles, own } = await this.store.forCharger(chargerId);
    const { effective } = effectiveProfiles(groupProfiles, own);
    const states = await this.store.states(chargerId);
    const verdict = isActionSupported(capabilitiesOfModel(facts.model as ChargerModel, facts.reported['SupportedFeatureProfiles']), 'SetChargingProfile');
    if (!verdict.ok) {
      // Never a command to a charger without SmartCharging (docs/charging-profiles.md#capabilities), as firmware campaigns do.
      for (const p of effective) {
        const hash = profileHash(p);
        const st = states.get(p.csChargingProfiles.chargingProfileId);
        if (st?.outcome !== 'not-applicable' || st.profileHash !== hash) {
          await this.store.setState(chargerId, p.csChargingProfiles.chargingProfileId, 'set', hash, 'not-applicable', verdict.reason);
        }
      }
      return { ...result, status: 'not-applicable' };
    }
    if (!facts.connected) {
      for (const p of effective) {
        const hash = profileHash(p);
        if (mustSend(states.get(p.csChargingProfiles.chargingProfileId), hash, facts.lastStartAt)) {
          await this.store.setState(chargerId, p.csChargingProfiles.chargingProfileId, 'set', hash, 'not-connected', 'sent when the charger connects');
        }
      }
      return { ...result, status: 'not-connected' };
    }
    const limits = limitsOf(facts.reported);
    for (const p of effective) {
      const id = p.csChargingProfiles.chargingProfileId;
      const hash = profileHash(p);
      if (!mustSend(states.get(id), hash, facts.lastStartAt)) continue;
      // Checked again here: the limits are the charger's latest report, and a group profile meets a new member here first.
      const refusals = checkAgainstCharger(p, limits, (f) => f, `charger ${chargerId}`);
      if (refusals.length > 0) {
        const message = refusals.map((r) => r.message).join(' ');
        await this.store.setState(chargerId, id, 'set', hash, 'not-sent', message);
        result.sent.push({ chargingProfileId: id, action: 'set', outcome: 'not-sent', message });
        continue;
      }
      await this.store.setState(chargerId, id, 'set', hash, 'pending', null);
      const reply = await sendCommand<SetChargingProfileResponse>(this.bus, chargerId, {
        action: 'SetChargingProfile',
        payload: { connectorId: p.connectorId, csChargingProfiles: p.csChargingProfiles },
        timeoutMs: this.options.commandTimeoutMs,
        origin: PROFILE_ORIGIN,
      });
      const { outcome, message } = outcomeOf(reply);
      await this.store.setState(chargerId, id, 'set', hash, outcome, message ?? null);
      result.sent.push({ chargingProfileId: id, action: 'set', outcome, ...(message ? { message } : {}) });
      if (outcome === 'timeout' || outcome === 'not-connected') return { ...result, status: outcome };
    }
    const wanted = new Set(effective.map((p) => p.csChargingProfiles.chargingProfileId));
    for (const st of states.values()) {
      if (wanted.has(st.chargingProfileId)) continue;
      if (st.action === 'set' && NEVER_HELD.has(st.outcome)) {
        await this.store.deleteState(chargerId, st.chargingProfileId);
        continue;
      }
      // By id only: a filter (purpose, stackLevel, connector) could clear a site limit's profile too.
      const reply = await sendCommand<ClearChargingProfileResponse>(this.bus, chargerId, {
        action: 'ClearChargingProfile',
        payload: { id: st.chargingProfileId },
        timeoutMs: this.options.commandTimeoutMs,
        origin: PROFILE_ORIGIN,
      });
      const { outcome, message, status } = outcomeOf(reply);
      // Unknown: the charger no longer has it (a reboot may have dropped it), which is what we wanted.
      if (reply.status === 'ok') {
        await this.store.deleteState(chargerId, st.chargingProfileId);
        result.sent.push({ chargingProfileId: st.chargingProfileId, action: 'clear', outcome: status === 'Unknown' ? 'Unknown' : 'Accepted' });
        continue;
      }
      await this.store.setState(chargerId, st.chargingProfileId, 'clear', st.profileHash, outcome, message ?? null);
      result.sent.push({ chargingProfileId: st.chargingProfileId, action: 'clear', outcome, ...(message ? { message } : {}) });
      if (outcome === 'timeout' || outcome === 'not-connected') return { ...result, status: outcome };
    }
    return result;
  }
}
