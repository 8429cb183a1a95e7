import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { BUS, recordFact, sendCommand, type Bus, type CommandReply, type SiteLimitFact, type TransactionStartedFact } from '#csms/bus';
import type { MeterValuesRequest, SetChargingProfileRequest, SetChargingProfileResponse } from '#csms/ocpp';
import { isActionSupported, type ChargerModel } from '#csms/zaptec-profile';
import { capabilitiesOfModel, detectChargerModel, isChargerModel } from '../registry/charger-model.js';
import { allocate, fallbackLimitA, MIN_CHARGING_A, type SessionAllocation, type SessionInput } from './allocator.js';
import { currentImport, FALLBACK_PROFILE_ID, fallbackProfile, transactionProfile } from './profiles.js';
import { DEFAULT_SITE_LIMIT_ENGINE_OPTIONS, SITE_LIMIT_OPTIONS, type SiteLimitEngineOptions } from './site-limit-options.js';

export { DEFAULT_SITE_LIMIT_ENGINE_OPTIONS, type SiteLimitEngineOptions };
import { SiteLimitStore, type GroupMember, type SessionRow } from './store.js';

export const ORIGIN = 'config-manager:site-limits';

/** Whether a member can be limited: its model, narrowed by its reported SupportedFeatureProfiles, has SetChargingProfile. */
export function limitability(m: GroupMember): { ok: true } | { ok: false; reason: string } {
  const model: ChargerModel = isChargerModel(m.model) ? m.model : detectChargerModel({ chargerId: m.chargerId });
  return isActionSupported(capabilitiesOfModel(model, m.supportedFeatureProfiles), 'SetChargingProfile');
}

function outcomeOf(reply: CommandReply<SetChargingProfileResponse>): string {
  if (reply.status === 'ok') return reply.result.status;
  if (reply.status === 'callerror') return `CALLERROR ${reply.code}`;
  return reply.status;
}

interface GroupState {
  running?: Promise<void>;
  again: boolean;
  /** The next round is for a change of the cars. */
  urgent: boolean;
  timer?: NodeJS.Timeout;
  /** When the scheduled round runs (ms). */
  due?: number;
  rotation?: NodeJS.Timeout;
  lastAt: number;
}

interface Step {
  row: SessionRow;
  alloc: SessionAllocation;
  /** What the charger has now: its last accepted offer, or the fallback while it has none. */
  current: number;
  send: boolean;
}

/**
 * Keeps every limited group within its limit (docs/site-limits.md): records transactions and Current.Import readings
 * of the members, and allocates a group at most every `minIntervalMs` after something changed: fallback
 * TxDefaultProfiles first, then the TxProfiles that lower a share, then (only when all of those were accepted) the ones
 * that raise one, so the sum of what the chargers were allowed never exceeds the limit on the way.
 */
@Injectable()
export class SiteLimitEngine {
  private readonly groups = new Map<string, GroupState>();
  private stopped = false;

  constructor(
    @Inject(SiteLimitStore) private readonly store: SiteLimitStore,
    @Inject(BUS) private readonly bus: Bus,
    @Inject(SITE_LIMIT_OPTIONS) private readonly options: SiteLimitEngineOptions = DEFAULT_SITE_LIMIT_ENGINE_OPTIONS,
    @Optional() private readonly log: Pick<Logger, 'warn'> = new Logger('SiteLimits'),
    @Optional() private readonly now: () => number = Date.now,
  ) {}

  /** The transaction facts and charger events of one batch, in stream order; the groups they touch are allocated. */
  async onEvents(events: ReadonlyArray<SiteLimitEvent>): Promise<void> {
    const groups = await this.store.limitedGroupsOf([...new Set(events.map((e) => e.chargerId))]);
    if (groups.size === 0) return;
    const touched = new Set<string>();
    const changed = new Set<string>();
    for (const e of events) {
      const group = groups.get(e.chargerId);
      if (group === undefined) continue;
      if (e.kind === 'started') {
        await this.store.startSession(e.chargerId, e.fact.connectorId, e.fact.transactionId, e.fact.timestamp);
        changed.add(group);
      } else if (e.kind === 'stopped') {
        if (await this.store.stopSession(e.chargerId, e.transactionId)) changed.add(group);
      } else {
        if (e.payload.connectorId === 0) continue;
        const reading = currentImport(e.payload.meterValue);
        if (!reading) continue;
        await this.store.recordMeasurement(e.chargerId, e.payload.connectorId, e.payload.transactionId ?? null, reading.phases, reading.at);
        touched.add(group);
      }
    }
    for (const g of touched) if (!changed.has(g)) this.request(g);
    for (const g of changed) this.request(g, true);
  }

  /** A member booted: its fallback is sent again (a charger may lose its profiles in a reboot). */
  async onBoot(chargerId: string): Promise<void> {
    const group = await this.store.limitedGroupOf(chargerId);
    if (group === undefined) return;
    await this.store.forgetFallback(chargerId);
    this.request(group);
  }

  /**
   * Allocates the group soon: at once when it was not allocated within `minIntervalMs`, else when that has passed.
   * A change of the cars (`urgent`: a start or a stop) waits only `urgentIntervalMs`: the readings can wait, a new car
   * or a freed share should not.
   */
  request(group: string, urgent = false): void {
    if (this.stopped) return;
    const g = this.state(group);
    if (g.running) {
      g.again = true;
      g.urgent ||= urgent;
      return;
    }
    const due = g.lastAt + (urgent ? this.options.urgentIntervalMs : this.options.minIntervalMs);
    if (g.timer && (g.due ?? 0) <= due) return;
    clearTimeout(g.timer);
    g.due = due;
    g.timer = setTimeout(
      () => {
        g.timer = undefined;
        g.due = undefined;
        this.run(group, g);
      },
      Math.max(0, due - this.now()),
    );
    g.timer.unref();
  }

  /** Every limited group, now (the sweep: rotations due, commands that failed, members that changed). */
  async sweep(): Promise<void> {
    for (const group of await this.store.groups()) this.request(group);
  }

  /** Resolves when no allocation is running or scheduled (tests). */
  async idle(): Promise<void> {
    for (;;) {
      const busy = [...this.groups.values()].filter((g) => g.running || g.timer);
      if (busy.length === 0) return;
      await Promise.all(busy.map((g) => g.running ?? new Promise((r) => setTimeout(r, 10))));
    }
  }

  stop(): void {
    this.stopped = true;
    for (const g of this.groups.values()) {
      clearTimeout(g.timer);
      clearTimeout(g.rotation);
      g.timer = undefined;
    }
  }

  private state(group: string): GroupState {
    let g = this.groups.get(group);
    if (!g) this.groups.set(group, (g = { again: false, urgent: false, lastAt: 0 }));
    return g;
  }

  private run(group: string, g: GroupState): void {
    g.running = this.allocate(group)
      .catch((err: unknown) => {
        this.log.warn(`site limit of group ${group}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
        g.again = true;
      })
      .finally(() => {
        g.running = undefined;
        g.lastAt = this.now();
        if (g.again) {
          const urgent = g.urgent;
          g.again = false;
          g.urgent = false;
          this.request(group, urgent);
        }
      });
  }

  private async send(chargerId: string, payload: SetChargingProfileRequest): Promise<string> {
    const reply = await sendCommand<SetChargingProfileResponse>(this.bus, chargerId, {
      action: 'SetChargingProfile',
      payload,
      timeoutMs: this.options.commandTimeoutMs,
      origin: ORIGIN,
    });
    return outcomeOf(reply);
  }

  private async allocate(group: string): Promise<void> {
    const limit = await this.store.claim(group, this.options.leaseMs);
    if (!limit) {
      // Removed, or another replica is at it: it will see what we saw.
      if (await this.store.get(group)) this.state(group).again = true;
      return;
    }
    try {
      const members = await this.store.members(group);
      const limitable = new Set(members.filter((m) => limitability(m).ok).map((m) => m.chargerId));
      const fallbackA = fallbackLimitA(limit.limitA, members.length);
      const incomplete = await this.ensureFallbacks(group, members, limitable, fallbackA);
      const sessions = await this.store.sessions(group);
      // What chargers we cannot limit draw (their last reading) is taken off the limit before it is shared.
      const unlimited = sessions.filter((s) => !limitable.has(s.chargerId)).reduce((n, s) => n + (s.measuredA ?? 0), 0);
      const ours = sessions.filter((s) => limitable.has(s.chargerId));
      const now = this.now();
      const result = allocate({
        limitA: Math.max(0, limit.limitA - unlimited),
        sessions: ours.map(sessionInput),
        now,
        rotationMs: limit.rotationS * 1000,
        settleMs: this.options.settleMs,
      });
      const byKey = new Map(result.allocations.map((a) => [a.key, a]));
      const steps = ours.map((row): Step => {
        const alloc = byKey.get(keyOf(row))!;
        const current = row.offeredA ?? fallbackA;
        // No flapping: a raise below 1 A waits until it is worth a command; every cut goes out.
        const send = row.offeredA === null || alloc.a < current || alloc.a - current >= 1 || (current < MIN_CHARGING_A && alloc.a >= MIN_CHARGING_A);
        return { row, alloc, current, send };
      });
      const cuts = steps.filter((s) => s.send && s.alloc.a <= s.current);
      const raises = steps.filter((s) => s.send && s.alloc.a > s.current);
      const cutsHeld = (await Promise.all(cuts.map((s) => this.apply(group, s)))).every(Boolean);
      if (cutsHeld && !incomplete) await Promise.all(raises.map((s) => this.apply(group, s)));
      else {
        for (const s of raises)
          await this.store.noteError(
            s.row.chargerId,
            s.row.connectorId,
            s.row.transactionId,
            'raise held back: a lower share or a fallback was not accepted yet',
          );
        this.state(group).again = true;
      }
      for (const s of steps.filter((x) => !x.send))
        await this.store.settle(s.row.chargerId, s.row.connectorId, s.row.transactionId, settlement(s, s.current, s.row.offeredAt));
      this.scheduleRotation(group, result.nextRotationAt);
    } finally {
      await this.store.release(group);
    }
  }

  /**
   * Every limitable member keeps the fallback TxDefaultProfile for the current member count. True when one of them
   * has not accepted it (nothing is raised then: a charger without it may start a transaction at its full current).
   */
  private async ensureFallbacks(group: string, members: GroupMember[], limitable: Set<string>, fallbackA: number): Promise<boolean> {
    const kept = await this.store.fallbacks(group);
    // A charger that left the group is no longer bound by its fuse: its fallback goes (best effort; it is ours by id).
    const current = new Set(members.map((m) => m.chargerId));
    for (const gone of [...kept.keys()].filter((id) => !current.has(id))) {
      await sendCommand(this.bus, gone, {
        action: 'ClearChargingProfile',
        payload: { id: FALLBACK_PROFILE_ID },
        timeoutMs: this.options.commandTimeoutMs,
        origin: ORIGIN,
      });
      await this.store.forgetFallback(gone);
    }
    const due = members
      .filter((m) => limitable.has(m.chargerId))
      .filter((m) => kept.get(m.chargerId)?.limitA !== fallbackA || kept.get(m.chargerId)?.outcome !== 'Accepted');
    const outcomes = await Promise.all(
      due.map(async (m) => {
        const outcome = await this.send(m.chargerId, fallbackProfile(fallbackA));
        await this.store.saveFallback(m.chargerId, group, fallbackA, outcome);
        return outcome;
      }),
    );
    return outcomes.some((o) => o !== 'Accepted');
  }

  /** Sends one session's share; true when the charger accepted it. */
  private async apply(group: string, s: Step): Promise<boolean> {
    const { row, alloc } = s;
    const outcome = await this.send(row.chargerId, transactionProfile(row.connectorId, row.transactionId, alloc.a));
    if (outcome !== 'Accepted') {
      await this.store.noteError(row.chargerId, row.connectorId, row.transactionId, `SetChargingProfile ${alloc.a} A: ${outcome}`);
      return false;
    }
    const at = new Date(this.now());
    await this.store.settle(row.chargerId, row.connectorId, row.transactionId, settlement(s, alloc.a, at.toISOString()));
    await this.publish(group, row, alloc, at);
    return true;
  }

  private async publish(group: string, row: SessionRow, alloc: SessionAllocation, at: Date): Promise<void> {
    const fact: SiteLimitFact = {
      chargerId: row.chargerId,
      group,
      connectorId: row.connectorId,
      transactionId: row.transactionId,
      offeredA: alloc.a,
      state: alloc.state,
      selfLimited: alloc.selfLimited,
      at: at.toISOString(),
    };
    await recordFact(this.bus, row.chargerId, 'SiteLimit', fact);
  }

  private scheduleRotation(group: string, at: number | undefined): void {
    const g = this.state(group);
    clearTimeout(g.rotation);
    g.rotation = undefined;
    if (at === undefined || this.stopped) return;
    g.rotation = setTimeout(() => this.request(group), Math.max(0, at - this.now()));
    g.rotation.unref();
  }
}

/** One event of the site limits' consumer. */
export type SiteLimitEvent =
  | { kind: 'started'; chargerId: string; fact: TransactionStartedFact }
  | { kind: 'stopped'; chargerId: string; transactionId: number }
  | { kind: 'meter'; chargerId: string; payload: MeterValuesRequest };

const keyOf = (r: { chargerId: string; connectorId: number }): string => `${r.chargerId}#${r.connectorId}`;
const ms = (v: string | null): number | undefined => (v === null ? undefined : Date.parse(v));

function sessionInput(r: SessionRow): SessionInput {
  return {
    key: keyOf(r),
    startedAt: Date.parse(r.startedAt),
    // The Go family's maximum; the allocator caps by measurement what a car takes below it.
    maxA: 32,
    ...(r.offeredA !== null && r.raisedAt !== null ? { offered: { a: r.offeredA, at: Date.parse(r.raisedAt) } } : {}),
    ...(r.measuredA !== null && r.measuredAt !== null ? { measured: { a: r.measuredA, at: Date.parse(r.measuredAt) } } : {}),
    ...(r.state === 'charging' ? { runningSince: ms(r.runningSince) } : {}),
    ...(r.state === 'waiting' ? { waitingSince: ms(r.waitingSince) } : {}),
    turns: r.turns,
  };
}

function settlement(s: Step, offeredA: number, offeredAt: string | null): Parameters<SiteLimitStore['settle']>[3] {
  const at = offeredAt === null ? new Date() : new Date(offeredAt);
  const rose = s.row.offeredA === null || s.row.raisedAt === null || offeredA > s.row.offeredA;
  return {
    state: s.alloc.state,
    offeredA,
    offeredAt: at,
    raisedAt: rose ? at : new Date(s.row.raisedAt!),
    selfLimited: s.alloc.selfLimited,
    runningSince: s.alloc.runningSince === undefined ? null : new Date(s.alloc.runningSince),
    waitingSince: s.alloc.waitingSince === undefined ? null : new Date(s.alloc.waitingSince),
    turns: s.alloc.turns,
  };
}
