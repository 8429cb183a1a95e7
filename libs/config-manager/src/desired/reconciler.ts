import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { DATA_SOURCE, sqlOf, type Sql } from '#csms/persistence';
import { capabilitiesOf, effectiveAccess, getKeyDefinition, orderForApply, validateKeyValue } from '#csms/zaptec-profile';
import { ChargerStateStore } from './charger-state.store.js';
import { AUTH_KEYS, ChargerLink } from './charger-link.js';
import { DesiredStore, writeAudit } from './desired-store.js';
import { effectiveFor, refusalHolds, reportedValues, sameValue, type ApplyStateView, type ChargerIdentity } from './effective.js';
import type { ApplyOutcome } from './charger-state.store.rows.js';
import { DESIRED_OPTIONS, type ResolvedDesiredOptions } from './desired.options.js';
import type { DataSource } from 'typeorm';

export interface KeyApplied {
  key: string;
  value: string;
  outcome: ApplyOutcome;
  message?: string;
}
export interface ReconcileResult {
  chargerId: string;
  status: 'done' | 'timeout' | 'not-connected' | 'failed';
  message?: string;
  sent: KeyApplied[];
  skipped: Array<{ key: string; reason: string }>;
}

interface Slot {
  next?: Promise<ReconcileResult>;
}

const isAuthorizationKey = (key: string): boolean => getKeyDefinition(key)?.name === 'AuthorizationKey';

/** Whether a key is waiting for something other than another ChangeConfiguration with the same value. */
function waiting(st: ApplyStateView | undefined, value: string, charger: ChargerIdentity): boolean {
  // RebootRequired: accepted, effective after the reboot (cleared at the next boot). Rejected/NotSupported: the
  // charger refused this value on this firmware; asking again every round only adds noise
  // (docs/reference/design-decisions.md#refusals-remembered).
  return (st !== undefined && st.desiredValue === value && st.outcome === 'RebootRequired') || refusalHolds(st, value, charger);
}

/**
 * Brings a connected charger to its effective desired configuration
 * (docs/reference/design-decisions.md#desired-configuration): read everything, store the
 * snapshot, forward what auth and metering need, then ChangeConfiguration one key at a time in the profile's
 * order. One reconciliation per charger at a time: requests arriving meanwhile share one follow-up run, which
 * starts after the current one and so sees every change made before it was requested.
 */
@Injectable()
export class Reconciler {
  private readonly slots = new Map<string, Slot>();
  /** The run of each charger now in progress, with the time it started. */
  private readonly current = new Map<string, { startedAt: number; result: Promise<ReconcileResult> }>();
  /** When the last run of each charger that ended 'done' started. */
  private readonly lastDoneStartedAt = new Map<string, number>();
  private active = 0;
  private readonly queue: Array<() => void> = [];
  /** Told every finished run (sync-state.ts: the charger's sync state and the live events). */
  onFinished?: (result: ReconcileResult) => Promise<void>;
  private readonly afterRuns: Array<(result: ReconcileResult) => void> = [];

  /** Told every finished run after onFinished, without being awaited (charging-profiles/: the profiles follow the configuration). */
  afterEachRun(listener: (result: ReconcileResult) => void): void {
    this.afterRuns.push(listener);
  }

  private readonly sql: Sql;

  constructor(
    @Inject(DATA_SOURCE) db: DataSource,
    @Inject(DesiredStore) private readonly desired: DesiredStore,
    @Inject(ChargerStateStore) private readonly state: ChargerStateStore,
    @Inject(ChargerLink) private readonly link: ChargerLink,
    @Inject(DESIRED_OPTIONS) private readonly options: Pick<ResolvedDesiredOptions, 'resetOnRebootRequired' | 'maxConcurrentReconciliations'>,
    @Optional() private readonly log: Pick<Logger, 'warn' | 'log'> = new Logger('Reconciler'),
  ) {
    this.sql = sqlOf(db);
  }

  /** Resolves when a reconciliation that started after this call has finished. Rejects only on our own failure (database). */
  request(chargerId: string): Promise<ReconcileResult> {
    const slot = this.slots.get(chargerId);
    if (!slot) {
      const fresh: Slot = {};
      this.slots.set(chargerId, fresh);
      return this.run(chargerId, fresh);
    }
    slot.next ??= new Promise<void>((resolve) => this.after(chargerId, resolve)).then(() => {
      const promoted: Slot = {};
      this.slots.set(chargerId, promoted);
      return this.run(chargerId, promoted);
    });
    return slot.next;
  }

  /**
   * A reconciliation that started at or after `sinceMs`: the one in progress if it did, or nothing to do if
   * the last successful one did; otherwise a new one. A reboot is a reconnect followed by a BootNotification,
   * and both ask for a reconciliation: this makes them cost one run (GetConfiguration of every key, the
   * snapshot rewritten), which matters when a whole fleet reconnects at once.
   */
  async requestSince(chargerId: string, sinceMs: number): Promise<ReconcileResult> {
    const running = this.current.get(chargerId);
    if (running && running.startedAt >= sinceMs) return running.result;
    if ((this.lastDoneStartedAt.get(chargerId) ?? -Infinity) >= sinceMs) {
      return { chargerId, status: 'done', sent: [], skipped: [], message: 'already reconciled since this connection' };
    }
    return this.request(chargerId);
  }

  /** True while a reconciliation of this charger runs (tests and shutdown). */
  busy(chargerId?: string): boolean {
    return chargerId === undefined ? this.slots.size > 0 : this.slots.has(chargerId);
  }

  private readonly waiters = new Map<string, Array<() => void>>();
  private after(chargerId: string, resolve: () => void): void {
    this.waiters.set(chargerId, [...(this.waiters.get(chargerId) ?? []), resolve]);
  }

  private async run(chargerId: string, slot: Slot): Promise<ReconcileResult> {
    try {
      // Registered before waiting for a free place: the run reads the charger only after this moment, so
      // it covers every connection made before it (requestSince).
      const startedAt = Date.now();
      const result = (async () => {
        await this.acquire();
        try {
          return await this.reconcileOnce(chargerId);
        } finally {
          this.release();
        }
      })();
      this.current.set(chargerId, { startedAt, result });
      try {
        const done = await result;
        if (done.status === 'done') this.lastDoneStartedAt.set(chargerId, startedAt);
        await this.onFinished?.(done);
        for (const listener of this.afterRuns) listener(done);
        return done;
      } finally {
        if (this.current.get(chargerId)?.result === result) this.current.delete(chargerId);
      }
    } finally {
      const followers = this.waiters.get(chargerId) ?? [];
      this.waiters.delete(chargerId);
      if (!slot.next && this.slots.get(chargerId) === slot) this.slots.delete(chargerId);
      for (const f of followers) f();
    }
  }

  private async acquire(): Promise<void> {
    if (this.active < this.options.maxConcurrentReconciliations) {
      this.active++;
      return;
    }
    await new Promise<void>((resolve) => this.queue.push(resolve));
  }

  private release(): void {
    const next = this.queue.shift();
    if (next) next();
    else this.active--;
  }

  private async reconcileOnce(chargerId: string): Promise<ReconcileResult> {
    const result: ReconcileResult = { chargerId, status: 'done', sent: [], skipped: [] };
    const info = await this.state.info(chargerId);
    const levels = await this.desired.levelsFor(chargerId);
    const desiredKeys = [
      ...Object.keys(levels.fleet),
      ...Object.keys(levels.model.keys),
      ...Object.keys(levels.group?.keys ?? {}),
      ...Object.keys(levels.charger),
    ];
    const charger: ChargerIdentity = { model: info.model, firmwareVersion: info.firmwareVersion };
    const known = [...new Set([...capabilitiesOf(info.model).keys, ...desiredKeys])].filter((k) => !isAuthorizationKey(k));

    const read = await this.link.readAll(chargerId, known);
    if (!read.ok) return { ...result, status: read.status, message: `GetConfiguration: ${read.message}` };
    await this.state.replaceReported(chargerId, read.keys, new Date());
    await this.link.reportedStored(chargerId);
    let values = reportedValues({ at: new Date(), keys: read.keys });
    // Auth answers StartTransaction from the charger's FreeCharging/FreeChargingIdTag: tell it what the
    // charger has right after the first read, so a car plugged in just after boot on a charger with free
    // charging already on is not answered Invalid while the rest of the reconciliation runs.
    await this.link.forwardAuth(chargerId, values);

    const eff = effectiveFor(levels, info.model, values);
    const states = await this.state.applyStates(chargerId);
    const candidates = Object.keys(eff.effective).filter((k) => {
      const v = eff.effective[k] as string;
      return !isAuthorizationKey(k) && !sameValue(k, values[k], v) && !waiting(states[k], v, charger);
    });
    let rebootRequired = false;
    for (const key of orderForApply(candidates)) {
      const value = eff.effective[key] as string;
      if (sameValue(key, values[key], value)) continue; // an earlier change of this run brought it there
      // docs/reference/zaptec-facts.md#lockcablepermanently: while LockCablePermanently=true the charger holds
      // UnlockConnectorOnEVSideDisconnect read-only.
      if (effectiveAccess(key, values) === 'R') {
        result.skipped.push({ key, reason: 'read-only at the charger given its current values' });
        continue;
      }
      const refusals = validateKeyValue(key, value, { model: info.model, reported: values });
      if (refusals.length > 0) {
        const reason = refusals.map((r) => r.message).join(' ');
        result.skipped.push({ key, reason });
        this.log.warn(`${chargerId}: ${key} not sent, the profile refuses it now: ${reason}`);
        await writeAudit(this.sql, [{ actor: 'reconciler', chargerId, key, oldValue: values[key] ?? null, newValue: value, outcome: 'not-sent' }]);
        continue;
      }
      await this.state.setApplyState(chargerId, key, value, 'pending', null, { on: charger });
      const reply = await this.link.change(chargerId, key, value);
      const { outcome, message } = outcomeOf(reply);
      await this.state.setApplyState(chargerId, key, value, outcome, message ?? null, { on: charger, audit: { oldValue: values[key] ?? null } });
      result.sent.push({ key, value, outcome, ...(message ? { message } : {}) });
      if (outcome === 'Accepted') {
        values = { ...values, [key]: value };
        // Auth decides StartTransaction from what it was last told (free charging,
        // docs/reference/zaptec-facts.md#freecharging-and-freechargingidtag) and the
        // password from the decoding switch (§1.5). The charger uses an Accepted value at once, so auth must hear
        // of it now, not only after the re-read at the end: that read may be slow or fail, a later key may time
        // out and end the run early, and a car plugged in meanwhile would otherwise get its free tag Invalid.
        const name = getKeyDefinition(key)?.name ?? key; // desired keys keep the operator's spelling (CiString)
        if ((AUTH_KEYS as readonly string[]).includes(name)) await this.link.forwardAuth(chargerId, { ...values, [name]: value });
      }
      if (outcome === 'RebootRequired') rebootRequired = true;
      if (outcome === 'timeout' || outcome === 'not-connected') {
        // The charger is gone or not answering: the rest waits for its next connect or the periodic check.
        return { ...result, status: outcome };
      }
    }
    if (result.sent.length > 0) {
      // Read again: a change may move other keys (LockCablePermanently forces UnlockConnectorOnEVSideDisconnect).
      const again = await this.link.readAll(chargerId, known);
      if (again.ok) {
        await this.state.replaceReported(chargerId, again.keys, new Date());
        await this.link.reportedStored(chargerId);
        values = reportedValues({ at: new Date(), keys: again.keys });
      }
    }
    // Nothing sent: auth heard exactly these values after the read (forwardAuth above); only metering needs them.
    await this.link.forward(chargerId, values, { auth: result.sent.length > 0 });
    if (rebootRequired && this.options.resetOnRebootRequired) await this.reset(chargerId);
    return result;
  }

  private async reset(chargerId: string): Promise<void> {
    const reply = await this.link.reset(chargerId);
    const outcome = reply.status === 'ok' ? ((reply.result as { status?: string }).status ?? 'ok') : reply.status;
    await writeAudit(this.sql, [{ actor: 'reconciler', chargerId, key: '(Reset Soft)', oldValue: null, newValue: null, outcome }]);
    this.log.log(`${chargerId}: Reset (Soft) for RebootRequired keys: ${outcome}`);
  }
}

function outcomeOf(reply: Awaited<ReturnType<ChargerLink['change']>>): { outcome: ApplyOutcome; message?: string } {
  switch (reply.status) {
    case 'ok':
      return { outcome: reply.result.status };
    case 'timeout':
    case 'not-connected':
      return { outcome: reply.status };
    case 'connection-lost':
      // Sent, then the socket closed: unknown like a timeout; the next connection's round reads the key again.
      return { outcome: 'timeout', message: 'connection closed before the charger answered' };
    case 'callerror':
      // NotImplemented / NotSupported CALLERRORs mean the same as the NotSupported status (OCPP-J §4.2.3).
      return {
        outcome: /^Not(Implemented|Supported)$/.test(reply.code) ? 'NotSupported' : 'Rejected',
        message: `CALLERROR ${reply.code}: ${reply.description}`,
      };
    case 'invalid':
      return { outcome: 'Rejected', message: `invalid answer: ${reply.errors.map((e) => `${e.path} ${e.message}`).join('; ')}` };
  }
}
