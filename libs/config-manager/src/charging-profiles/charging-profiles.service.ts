import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { BUS, sendCommand, type Bus } from '#csms/bus';
import { ok, refuse, type ApiFieldError, type ServiceReply } from '#csms/http';
import type { GetCompositeScheduleResponse } from '#csms/ocpp';
import { isActionSupported, type ChargerModel } from '#csms/zaptec-profile';
import { capabilitiesOfModel } from '../registry/charger-model.js';
import { limitsOf } from './charger-limits.js';
import { compareComposite, expectedComposite, type CompositeDifference, type CompositeDriftState, type SchedulePeriod } from './composite.js';
import { CHARGING_PROFILE_OPTIONS, type ChargingProfileOptions } from './charging-profile-options.js';
import { PROFILE_ORIGIN, ProfileReconciler } from './reconciler.js';
import { ChargingProfileStore, effectiveProfiles, profileHash, type ProfileStateView } from './store.js';
import type { ProfileInput, ProfileScope, StoredProfile } from './types.js';
import { checkAgainstCharger, validateProfiles } from './validation.js';

export interface ProfileView extends StoredProfile {
  /** Replaced on this charger by its own profile with the same id or slot: not sent. */
  shadowed: boolean;
  /** What the charger last answered for this profile (null: nothing sent yet). */
  state: Omit<ProfileStateView, 'action' | 'profileHash'> | null;
  /** The last outcome was Accepted for this very profile and no boot or reconnect happened since. */
  inSync: boolean;
}
export interface ChargerProfilesView {
  chargerId: string;
  group: string | null;
  applicable: boolean;
  reason?: string;
  profiles: ProfileView[];
  /** Profiles that left the desired state and whose ClearChargingProfile the charger has not confirmed yet. */
  removals: Array<Omit<ProfileStateView, 'profileHash' | 'action'>>;
}
export interface GroupProfilesView {
  group: string;
  members: string[];
  profiles: StoredProfile[];
  /** Per member: what it last answered for each profile. */
  outcomes: Record<string, Array<Omit<ProfileStateView, 'profileHash'>>>;
}
export interface CompositeScheduleView {
  chargerId: string;
  connectorId: number;
  duration: number;
  chargingRateUnit: 'A' | 'W';
  /** What the charger answered (null: no answer, see `error`). */
  reported: GetCompositeScheduleResponse | null;
  error?: string;
  expected: SchedulePeriod[];
  /** Our profiles in the other unit, left out of `expected`. */
  notCompared: number[];
  drift: { state: CompositeDriftState | 'unknown'; differences: CompositeDifference[] };
}

export interface SetProfilesRequest {
  chargerId?: string;
  group?: string;
  profiles: unknown;
  actor?: string;
}
export interface DeleteProfilesRequest {
  chargerId?: string;
  group?: string;
  chargingProfileId?: number;
}

const MAX_GROUP_NAME = 100;
export const MAX_COMPOSITE_DURATION_S = 7 * 86_400;

/** The API side of desired charging profiles (docs/charging-profiles.md). */
@Injectable()
export class ChargingProfilesService {
  constructor(
    @Inject(ChargingProfileStore) private readonly store: ChargingProfileStore,
    @Inject(ProfileReconciler) private readonly reconciler: ProfileReconciler,
    @Inject(BUS) private readonly bus: Bus,
    @Inject(CHARGING_PROFILE_OPTIONS) private readonly options: ChargingProfileOptions,
    @Optional() private readonly log: Pick<Logger, 'warn'> = new Logger('ChargingProfilesService'),
  ) {}

  async getCharger(chargerId: string): Promise<ServiceReply<ChargerProfilesView>> {
    const facts = await this.store.facts(chargerId);
    if (!facts.known) return refuse(404, 'charger_not_found', `charger ${chargerId} is not known`);
    const { group, groupProfiles, own } = await this.store.forCharger(chargerId);
    const { shadowed } = effectiveProfiles(groupProfiles, own);
    const states = await this.store.states(chargerId);
    const verdict = isActionSupported(capabilitiesOfModel(facts.model as ChargerModel, facts.reported['SupportedFeatureProfiles']), 'SetChargingProfile');
    const profiles = [...groupProfiles, ...own].map((p): ProfileView => {
      const isShadowed = shadowed.includes(p);
      const st = isShadowed ? undefined : states.get(p.csChargingProfiles.chargingProfileId);
      const current = st !== undefined && st.action === 'set' && st.profileHash === profileHash(p);
      const inSync = current && st.outcome === 'Accepted' && (facts.lastStartAt === null || Date.parse(st.at) >= facts.lastStartAt.getTime());
      return {
        ...p,
        shadowed: isShadowed,
        state: current ? { chargingProfileId: st.chargingProfileId, outcome: st.outcome, message: st.message, at: st.at } : null,
        inSync,
      };
    });
    const removals = [...states.values()]
      .filter((s) => s.action === 'clear')
      .map((s) => ({ chargingProfileId: s.chargingProfileId, outcome: s.outcome, message: s.message, at: s.at }));
    return ok({ chargerId, group, applicable: verdict.ok, ...(verdict.ok ? {} : { reason: verdict.reason }), profiles, removals });
  }

  async getGroup(group: string): Promise<ServiceReply<GroupProfilesView>> {
    const bad = checkGroupName(group);
    if (bad) return bad;
    if (!(await this.store.groupExists(group))) return refuse(404, 'group_not_found', `group ${group} does not exist`);
    const members = await this.store.members(group);
    const profiles = await this.store.level('group', group);
    const ids = new Set(profiles.map((p) => p.csChargingProfiles.chargingProfileId));
    const outcomes: GroupProfilesView['outcomes'] = {};
    for (const m of members) {
      const states = await this.store.states(m);
      outcomes[m] = [...states.values()].filter((s) => ids.has(s.chargingProfileId)).map(({ profileHash: _h, ...s }) => s);
    }
    return ok({ group, members, profiles, outcomes });
  }

  async setCharger(req: SetProfilesRequest): Promise<ServiceReply<ChargerProfilesView>> {
    const chargerId = req.chargerId ?? '';
    const checked = this.checkBody(req.profiles);
    if (!checked.ok) return checked.reply;
    const facts = await this.store.facts(chargerId);
    if (!facts.known) return refuse(404, 'charger_not_found', `charger ${chargerId} is not known`);
    const limits = limitsOf(facts.reported);
    const errors = checked.profiles.flatMap((p, i) => checkAgainstCharger(p, limits, (f) => `profiles[${i}].${f}`, `charger ${chargerId}`));
    const { groupProfiles } = await this.store.forCharger(chargerId);
    const own = checked.profiles.map((p) => ({ ...p, scope: 'charger' as const, scopeId: chargerId, updatedAt: '', updatedBy: '' }));
    const count = effectiveProfiles(groupProfiles, own).effective.length;
    if (limits.maxInstalled !== undefined && count > limits.maxInstalled) {
      errors.push({
        field: 'profiles',
        rule: 'profiles.maxInstalled',
        message: `with its group's, charger ${chargerId} would hold ${count} profiles, more than its MaxChargingProfilesInstalled ${limits.maxInstalled}`,
      });
    }
    if (errors.length > 0) return refused(errors, `charger ${chargerId}`);
    await this.store.replaceLevel('charger', chargerId, checked.profiles, req.actor ?? 'api');
    this.trigger([chargerId]);
    return this.getCharger(chargerId);
  }

  async setGroup(req: SetProfilesRequest): Promise<ServiceReply<GroupProfilesView>> {
    const group = req.group ?? '';
    const bad = checkGroupName(group);
    if (bad) return bad;
    const checked = this.checkBody(req.profiles);
    if (!checked.ok) return checked.reply;
    const errors: ApiFieldError[] = [];
    // Checked for every member as the desired configuration is (each member's reported limits); a charger that
    // joins later is checked when its profiles are sent (outcome not-sent).
    for (const m of await this.store.members(group)) {
      const limits = limitsOf((await this.store.facts(m)).reported);
      errors.push(...checked.profiles.flatMap((p, i) => checkAgainstCharger(p, limits, (f) => `profiles[${i}].${f}`, `member ${m}`)));
    }
    if (errors.length > 0) return refused(errors, `group ${group}`);
    await this.store.replaceLevel('group', group, checked.profiles, req.actor ?? 'api');
    this.trigger(await this.store.members(group));
    return this.getGroup(group);
  }

  async deleteCharger(req: DeleteProfilesRequest): Promise<ServiceReply<ChargerProfilesView>> {
    const chargerId = req.chargerId ?? '';
    if (!(await this.store.facts(chargerId)).known) return refuse(404, 'charger_not_found', `charger ${chargerId} is not known`);
    const gone = await this.remove('charger', chargerId, req.chargingProfileId);
    if (gone) return gone;
    this.trigger([chargerId]);
    return this.getCharger(chargerId);
  }

  async deleteGroup(req: DeleteProfilesRequest): Promise<ServiceReply<GroupProfilesView>> {
    const group = req.group ?? '';
    const bad = checkGroupName(group);
    if (bad) return bad;
    if (!(await this.store.groupExists(group))) return refuse(404, 'group_not_found', `group ${group} does not exist`);
    const gone = await this.remove('group', group, req.chargingProfileId);
    if (gone) return gone;
    this.trigger(await this.store.members(group));
    return this.getGroup(group);
  }

  /**
   * Asks the charger for its composite schedule and compares it with what its desired profiles alone give
   * (docs/charging-profiles.md#composite-schedule).
   */
  async compositeSchedule(req: { chargerId: string; connectorId: number; duration: number }): Promise<ServiceReply<CompositeScheduleView>> {
    const { chargerId, connectorId, duration } = req;
    const facts = await this.store.facts(chargerId);
    if (!facts.known) return refuse(404, 'charger_not_found', `charger ${chargerId} is not known`);
    const { groupProfiles, own } = await this.store.forCharger(chargerId);
    const { effective } = effectiveProfiles(groupProfiles, own);
    // Asked in the unit our profiles use (the first one's), so the answer compares without converting.
    const unit = effective[0]?.csChargingProfiles.chargingSchedule.chargingRateUnit ?? 'A';
    const base = { chargerId, connectorId, duration, chargingRateUnit: unit };
    const reply = await sendCommand<GetCompositeScheduleResponse>(this.bus, chargerId, {
      action: 'GetCompositeSchedule',
      payload: { connectorId, duration, chargingRateUnit: unit },
      timeoutMs: this.options.commandTimeoutMs,
      origin: PROFILE_ORIGIN,
    });
    if (reply.status === 'not-connected') return refuse(409, 'charger_not_connected', `charger ${chargerId} is not connected`);
    const asked = new Date();
    if (reply.status !== 'ok') {
      const error = reply.status === 'callerror' ? `CALLERROR ${reply.code}: ${reply.description}` : reply.status;
      const { periods, otherUnit } = expectedComposite(effective, connectorId, asked, duration, unit);
      return ok({ ...base, reported: null, error, expected: periods, notCompared: otherUnit, drift: { state: 'unknown', differences: [] } });
    }
    const r = reply.result;
    const start =
      r.scheduleStart !== undefined ? new Date(r.scheduleStart) : r.chargingSchedule?.startSchedule ? new Date(r.chargingSchedule.startSchedule) : asked;
    const { periods, otherUnit } = expectedComposite(effective, connectorId, start, duration, unit);
    // Rejected: the charger has no schedule to report, which is in sync only when our profiles give none either.
    const reportedPeriods = r.status === 'Accepted' && r.chargingSchedule?.chargingRateUnit === unit ? r.chargingSchedule.chargingSchedulePeriod : [];
    if (r.status === 'Accepted' && r.chargingSchedule !== undefined && r.chargingSchedule.chargingRateUnit !== unit) {
      return ok({
        ...base,
        reported: r,
        expected: periods,
        notCompared: otherUnit,
        drift: { state: 'unknown', differences: [] },
        error: `the charger answered in ${r.chargingSchedule.chargingRateUnit}`,
      });
    }
    return ok({ ...base, reported: r, expected: periods, notCompared: otherUnit, drift: compareComposite(periods, reportedPeriods, duration) });
  }

  private async remove(scope: ProfileScope, scopeId: string, chargingProfileId: number | undefined): Promise<ServiceReply<never> | undefined> {
    if (chargingProfileId === undefined) {
      await this.store.replaceLevel(scope, scopeId, [], 'api');
      return undefined;
    }
    if (await this.store.deleteOne(scope, scopeId, chargingProfileId)) return undefined;
    return refuse(404, 'profile_not_found', `${scope} ${scopeId} has no charging profile ${chargingProfileId}`);
  }

  private checkBody(profiles: unknown): { ok: true; profiles: ProfileInput[] } | { ok: false; reply: ServiceReply<never> } {
    const v = validateProfiles(profiles);
    if (v.ok) return v;
    const schema = v.errors.some((e) => e.rule === 'schema' || e.rule === 'type');
    return {
      ok: false,
      reply: schema ? refuse(400, 'validation_failed', v.errors.map((e) => e.message).join('; '), v.errors) : refused(v.errors, 'this change'),
    };
  }

  /** Applied at once to connected chargers; the API does not wait (the outcome shows in GET). */
  private trigger(ids: string[]): void {
    for (const id of ids) {
      this.reconciler
        .request(id)
        .catch((err: unknown) => this.log.warn(`charging profiles of ${id} not applied: ${err instanceof Error ? err.message : String(err)}`));
    }
  }
}

function checkGroupName(name: string): ServiceReply<never> | undefined {
  if (name.trim() !== '' && name.length <= MAX_GROUP_NAME) return undefined;
  return refuse(400, 'validation_failed', `group name must be 1 to ${MAX_GROUP_NAME} characters`, [
    { field: 'name', rule: 'length', message: `group name must be 1 to ${MAX_GROUP_NAME} characters` },
  ]);
}

function refused(errors: ApiFieldError[], what: string): ServiceReply<never> {
  return refuse(422, 'charging_profiles_refused', `charging profiles for ${what} refused: ${errors.map((e) => e.message).join(' ')}`, errors);
}
