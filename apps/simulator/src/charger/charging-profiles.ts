// A deliberately small SmartCharging model: profiles are stored, and the limit in force is the first-period-that-
// applies-now of the highest-stack TxProfile (during a transaction) or TxDefaultProfile, capped by
// ChargePointMaxProfile. Recurrency and future period changes are not re-evaluated on their own.
import type { JsonObject } from '../ocpp-rpc.js';

interface Period {
  startPeriod: number;
  limit: number;
  numberPhases?: number;
}
interface Schedule {
  duration?: number;
  startSchedule?: string;
  chargingRateUnit: 'A' | 'W';
  chargingSchedulePeriod: Period[];
  minChargingRate?: number;
}
interface StoredProfile {
  id: number;
  connectorId: number;
  stackLevel: number;
  purpose: 'ChargePointMaxProfile' | 'TxDefaultProfile' | 'TxProfile';
  schedule: Schedule;
  installedAt: number;
}

export class ChargingProfiles {
  private profiles: StoredProfile[] = [];

  set(connectorId: number, p: JsonObject, now: number, txActive: boolean): 'Accepted' | 'Rejected' {
    const purpose = p.chargingProfilePurpose as StoredProfile['purpose'];
    const schedule = p.chargingSchedule as Schedule;
    const stackLevel = Number(p.stackLevel);
    // OCPP 1.6 §5.16: TxProfile without a transaction is discarded; ChargePointMaxProfile only on connector 0.
    if (purpose === 'TxProfile' && (!txActive || connectorId === 0)) return 'Rejected';
    if (purpose === 'ChargePointMaxProfile' && connectorId !== 0) return 'Rejected';
    if (stackLevel > 8 || schedule.chargingSchedulePeriod.length > 24) return 'Rejected';
    const id = Number(p.chargingProfileId);
    this.profiles = this.profiles.filter((x) => x.id !== id && !(x.stackLevel === stackLevel && x.purpose === purpose && x.connectorId === connectorId));
    this.profiles.push({ id, connectorId, stackLevel, purpose, schedule, installedAt: now });
    return 'Accepted';
  }

  clear(filter: { id?: number; connectorId?: number; purpose?: string; stackLevel?: number }): 'Accepted' | 'Unknown' {
    const before = this.profiles.length;
    this.profiles = this.profiles.filter(
      (x) =>
        !(
          (filter.id === undefined || x.id === filter.id) &&
          (filter.connectorId === undefined || x.connectorId === filter.connectorId) &&
          (filter.purpose === undefined || x.purpose === filter.purpose) &&
          (filter.stackLevel === undefined || x.stackLevel === filter.stackLevel)
        ),
    );
    return this.profiles.length < before ? 'Accepted' : 'Unknown';
  }

  /**
   * A reboot drops every profile: OCPP 1.6 keeps profiles across a reboot only "if possible", and many chargers do
   * not, so the CSMS must be able to put them back (docs/charging-profiles.md#reconciliation).
   */
  clearAll(): void {
    this.profiles = [];
  }

  /**
   * GetCompositeSchedule: the limit in force over [now, now + durationS), one period per change, in `unit`
   * (W from A at 230 V per phase). Undefined when no profile limits the charger in the window.
   */
  composite(now: number, durationS: number, phases: number, txActive: boolean, unit: 'A' | 'W'): Period[] | undefined {
    const end = now + durationS * 1000;
    const changes = new Set<number>([now]);
    for (const p of this.profiles) {
      const start = p.schedule.startSchedule ? Date.parse(p.schedule.startSchedule) : p.installedAt;
      const offsets = [...p.schedule.chargingSchedulePeriod.map((x) => x.startPeriod), ...(p.schedule.duration !== undefined ? [p.schedule.duration] : [])];
      for (const o of offsets) if (start + o * 1000 > now && start + o * 1000 < end) changes.add(start + o * 1000);
    }
    const periods: Period[] = [];
    let any = false;
    for (const t of [...changes].sort((a, b) => a - b)) {
      const a = this.limitA(t, phases, txActive);
      if (a === undefined) continue;
      any = true;
      const limit = Math.round((unit === 'A' ? a : a * 230 * phases) * 10) / 10;
      const startPeriod = Math.ceil((t - now) / 1000);
      const last = periods[periods.length - 1];
      if (last?.startPeriod === startPeriod) last.limit = limit;
      else if (last?.limit !== limit) periods.push({ startPeriod, limit });
    }
    return any ? periods : undefined;
  }

  /** TxProfiles end with their transaction (OCPP 1.6 §3.13.3). */
  clearTxProfiles(): void {
    this.profiles = this.profiles.filter((x) => x.purpose !== 'TxProfile');
  }

  private limitOf(p: StoredProfile, now: number, phases: number): number | undefined {
    const start = p.schedule.startSchedule ? Date.parse(p.schedule.startSchedule) : p.installedAt;
    const elapsed = (now - start) / 1000;
    if (elapsed < 0 || (p.schedule.duration !== undefined && elapsed > p.schedule.duration)) return undefined;
    let period: Period | undefined;
    for (const x of p.schedule.chargingSchedulePeriod) if (x.startPeriod <= elapsed) period = x;
    if (!period) return undefined;
    const ph = period.numberPhases ?? phases;
    return p.schedule.chargingRateUnit === 'A' ? period.limit : period.limit / (230 * ph);
  }

  private top(purpose: StoredProfile['purpose'], now: number, phases: number): number | undefined {
    const candidates = this.profiles.filter((x) => x.purpose === purpose).sort((a, b) => b.stackLevel - a.stackLevel);
    for (const p of candidates) {
      const l = this.limitOf(p, now, phases);
      if (l !== undefined) return l;
    }
    return undefined;
  }

  /** Limit in A per phase now, or undefined when no profile applies. */
  limitA(now: number, phases: number, txActive: boolean): number | undefined {
    const tx = (txActive ? this.top('TxProfile', now, phases) : undefined) ?? this.top('TxDefaultProfile', now, phases);
    const max = this.top('ChargePointMaxProfile', now, phases);
    if (tx === undefined) return max;
    return max === undefined ? tx : Math.min(tx, max);
  }
}
