import { Inject, Injectable } from '@nestjs/common';
import { ok, refuse, type ServiceReply } from '#csms/http';
import { BUS, sendCommand, type Bus } from '#csms/bus';
import type { ClearChargingProfileResponse } from '#csms/ocpp';
import { fallbackLimitA, MIN_CHARGING_A } from './allocator.js';
import { limitability, ORIGIN, SiteLimitEngine, type SiteLimitEngineOptions } from './engine.js';
import { CLEAR_SITE_LIMIT_PROFILES } from './profiles.js';
import { SITE_LIMIT_OPTIONS } from './site-limit-options.js';
import { SiteLimitStore, type FallbackRow, type SessionRow } from './store.js';

export const MAX_SITE_LIMIT_A = 10_000;
export const DEFAULT_ROTATION_MINUTES = 15;

/** `api.config-manager.putSiteLimit`: the HTTP layer validated the fields' shapes already. */
export interface PutSiteLimitRequest {
  group: string;
  limitA: number;
  rotationMinutes?: number;
  actor?: string;
}

/** `api.config-manager.removeSiteLimit`: the group, and what each member answered the ClearChargingProfile. */
export interface SiteLimitRemoved {
  group: string;
  cleared: Array<{ chargerId: string; outcome: string }>;
}

export interface SiteLimitChargerView {
  chargerId: string;
  /** Whether the CSMS can limit it (SmartCharging); the reason when not. */
  limitable: boolean;
  reason: string | null;
  /** The fallback TxDefaultProfile last sent, with the charger's answer. */
  fallback: Omit<FallbackRow, 'chargerId'> | null;
  /** Its running transaction, when it has one. */
  session: Pick<
    SessionRow,
    'connectorId' | 'transactionId' | 'startedAt' | 'state' | 'offeredA' | 'offeredAt' | 'selfLimited' | 'measured' | 'measuredAt' | 'lastError'
  > | null;
}

export interface SiteLimitView {
  group: string;
  limitA: number;
  rotationMinutes: number;
  /** The TxDefaultProfile every member keeps (0 when the share is below 6 A). */
  fallbackA: number;
  members: number;
  activeCars: number;
  chargingCars: number;
  waitingCars: number;
  /** The sum of the accepted offers of the running transactions. */
  allocatedA: number;
  /** The sum of the highest phase of each running transaction's last reading. */
  measuredA: number;
  /** Members that cannot be limited: what they draw is taken off the limit, but nothing keeps them under it. */
  unlimitable: Array<{ chargerId: string; reason: string }>;
  chargers: SiteLimitChargerView[];
  allocatedAt: string | null;
  updatedBy: string | null;
  createdAt: string;
  updatedAt: string;
}

const invalid = (field: string, rule: string, message: string): ServiceReply<never> =>
  refuse(400, 'validation_failed', `${field}: ${message}`, [{ field, rule, message: `${field} ${message}` }]);

/** The site limits' answers to the API (docs/site-limits.md#api). */
@Injectable()
export class SiteLimitService {
  constructor(
    @Inject(SiteLimitStore) private readonly store: SiteLimitStore,
    @Inject(SiteLimitEngine) private readonly engine: SiteLimitEngine,
    @Inject(BUS) private readonly bus: Bus,
    @Inject(SITE_LIMIT_OPTIONS) private readonly options: Pick<SiteLimitEngineOptions, 'commandTimeoutMs'>,
  ) {}

  async put(req: PutSiteLimitRequest): Promise<ServiceReply<SiteLimitView>> {
    if (!Number.isFinite(req.limitA) || req.limitA < MIN_CHARGING_A || req.limitA > MAX_SITE_LIMIT_A)
      return invalid('limitA', 'range', `must be between ${MIN_CHARGING_A} and ${MAX_SITE_LIMIT_A} A`);
    const rotation = req.rotationMinutes ?? DEFAULT_ROTATION_MINUTES;
    if (!Number.isInteger(rotation) || rotation < 1 || rotation > 1440) return invalid('rotationMinutes', 'range', 'must be a whole number from 1 to 1440');
    if (!(await this.store.groupExists(req.group))) return refuse(404, 'unknown_group', `no configuration group ${req.group}`);
    await this.store.put(req.group, req.limitA, rotation * 60, req.actor ?? null);
    // The fallback first, then the shares: both in the engine's next round for the group.
    this.engine.request(req.group);
    return this.get(req.group);
  }

  async get(group: string): Promise<ServiceReply<SiteLimitView>> {
    const limit = await this.store.get(group);
    if (!limit) return refuse(404, 'no_site_limit', `configuration group ${group} has no site limit`);
    const [members, sessions, fallbacks] = await Promise.all([this.store.members(group), this.store.sessions(group), this.store.fallbacks(group)]);
    const chargers = members.map((m): SiteLimitChargerView => {
      const verdict = limitability(m);
      const f = fallbacks.get(m.chargerId);
      const s = sessions.find((x) => x.chargerId === m.chargerId);
      return {
        chargerId: m.chargerId,
        limitable: verdict.ok,
        reason: verdict.ok ? null : verdict.reason,
        fallback: f ? { limitA: f.limitA, outcome: f.outcome, sentAt: f.sentAt } : null,
        session: s
          ? {
              connectorId: s.connectorId,
              transactionId: s.transactionId,
              startedAt: s.startedAt,
              state: s.state,
              offeredA: s.offeredA,
              offeredAt: s.offeredAt,
              selfLimited: s.selfLimited,
              measured: s.measured,
              measuredAt: s.measuredAt,
              lastError: s.lastError,
            }
          : null,
      };
    });
    const active = chargers.filter((c) => c.session !== null);
    return ok({
      group,
      limitA: limit.limitA,
      rotationMinutes: limit.rotationS / 60,
      fallbackA: fallbackLimitA(limit.limitA, members.length),
      members: members.length,
      activeCars: active.length,
      chargingCars: active.filter((c) => c.session!.state === 'charging').length,
      waitingCars: active.filter((c) => c.session!.state === 'waiting').length,
      allocatedA: Math.round(active.reduce((n, c) => n + (c.session!.offeredA ?? 0), 0) * 10) / 10,
      measuredA: Math.round(sessions.reduce((n, s) => n + (s.measuredA ?? 0), 0) * 10) / 10,
      unlimitable: chargers.filter((c) => !c.limitable).map((c) => ({ chargerId: c.chargerId, reason: c.reason! })),
      chargers,
      allocatedAt: limit.allocatedAt,
      updatedBy: limit.updatedBy,
      createdAt: limit.createdAt,
      updatedAt: limit.updatedAt,
    });
  }

  /** Removes the limit and clears its profiles from every member that can be limited (each answer in the reply). */
  async remove(group: string): Promise<ServiceReply<SiteLimitRemoved>> {
    const members = await this.store.members(group);
    if (!(await this.store.remove(group))) return refuse(404, 'no_site_limit', `configuration group ${group} has no site limit`);
    const cleared = await Promise.all(
      members
        .filter((m) => limitability(m).ok)
        .map(async (m) => {
          const outcomes: string[] = [];
          for (const payload of CLEAR_SITE_LIMIT_PROFILES) {
            const reply = await sendCommand<ClearChargingProfileResponse>(this.bus, m.chargerId, {
              action: 'ClearChargingProfile',
              payload,
              timeoutMs: this.options.commandTimeoutMs,
              origin: ORIGIN,
            });
            outcomes.push(reply.status === 'ok' ? reply.result.status : reply.status);
          }
          // Unknown: the charger had no such profile (a TxProfile ends with its transaction).
          const outcome = outcomes.every((o) => o === 'Accepted' || o === 'Unknown') ? 'Accepted' : outcomes.find((o) => o !== 'Accepted' && o !== 'Unknown')!;
          return { chargerId: m.chargerId, outcome };
        }),
    );
    return ok({ group, cleared });
  }
}
