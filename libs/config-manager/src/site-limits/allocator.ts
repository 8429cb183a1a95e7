/**
 * How a group's site limit (amperes per phase, the fuse) is shared among its running transactions
 * (docs/site-limits.md#how-the-limit-is-shared). Pure: the service feeds it what it stored and sends what it returns.
 *
 * - Every car that charges gets at least `minA` (OCPP 1.6 chargers and cars do not charge below 6 A): as many cars as
 *   fit at `minA` charge, the others wait at 0 A.
 * - The waiting cars take turns: a car that charged for `rotationMs` gives its place to the one that waited longest.
 * - The limit is shared equally (0.1 A steps, rounded down), except that a car measured drawing clearly less than it
 *   was offered is offered what it draws plus a headroom; what that frees goes to the others (water-filling).
 */

/** The lowest current a car charges at (docs/reference/protocol-notes.md#charging-profiles). */
export const MIN_CHARGING_A = 6;
/** A car measured at least this far below its offer is limited by itself, not by us. */
export const SELF_LIMITED_MARGIN_A = 2;
/** What a self-limited car is offered above its measured draw: more than the margin, so it stays self-limited (no flapping). */
export const SELF_LIMITED_HEADROOM_A = 3;

export interface SessionInput {
  /** Stable per session (charger and connector). */
  key: string;
  /** When the transaction started (ms). */
  startedAt: number;
  /** The charger's own maximum per phase (A). */
  maxA: number;
  /**
   * The allocation the charger accepted last, and when it last rose (ms): a reading from before a raise says nothing
   * about what the car would take now, one from before a cut still shows a car taking less than it could.
   */
  offered?: { a: number; at: number };
  /** Highest phase of the last Current.Import reading, and its meter time (ms). */
  measured?: { a: number; at: number };
  /** Since when it has been charging (given at least minA); undefined while waiting. */
  runningSince?: number;
  /** Since when it has been waiting at 0 A; undefined while charging. */
  waitingSince?: number;
  /** How many times it was given a place to charge (0 when unknown). */
  turns?: number;
}

export interface AllocationInput {
  limitA: number;
  sessions: readonly SessionInput[];
  now: number;
  /** How long a car charges before it gives its place to a waiting one (ms). */
  rotationMs: number;
  minA?: number;
  /** A reading counts against an offer only when taken this long after the offer last rose (the car ramps). */
  settleMs?: number;
}

export interface SessionAllocation {
  key: string;
  /** Amperes per phase offered (0: waiting). */
  a: number;
  state: 'charging' | 'waiting';
  /** Offered its measured draw plus headroom instead of an equal share. */
  selfLimited: boolean;
  runningSince?: number;
  waitingSince?: number;
  turns: number;
}

export interface AllocationResult {
  allocations: SessionAllocation[];
  /** How many cars can charge at once at minA. */
  slots: number;
  /** When the next rotation is due (ms), when cars wait. */
  nextRotationAt?: number;
}

const down = (a: number): number => Math.floor(a * 10 + 1e-9) / 10;

/** Measured after the offer last rose (and settled) and clearly below the offer: the car takes less than it may. */
export function isSelfLimited(s: SessionInput, settleMs: number): boolean {
  if (!s.offered || !s.measured || s.offered.a <= 0) return false;
  return s.measured.at >= s.offered.at + settleMs && s.measured.a <= s.offered.a - SELF_LIMITED_MARGIN_A;
}

/**
 * Which cars charge: those that have not had their turn yet keep charging (the newest first when there is less room
 * than before), then the cars that waited longest (among cars that began waiting together, the one that had fewer turns), then those whose turn is over (the ones that charged shortest first).
 */
function chooseCharging(sessions: readonly SessionInput[], slots: number, now: number, rotationMs: number): Set<string> {
  if (sessions.length <= slots) return new Set(sessions.map((s) => s.key));
  const byKey = (a: SessionInput, b: SessionInput): number => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
  const runningNewestFirst = (a: SessionInput, b: SessionInput): number => b.runningSince! - a.runningSince! || byKey(a, b);
  const running = sessions.filter((s) => s.runningSince !== undefined);
  const inTurn = running.filter((s) => now - s.runningSince! < rotationMs).sort(runningNewestFirst);
  const turnOver = running.filter((s) => now - s.runningSince! >= rotationMs).sort(runningNewestFirst);
  const waiting = sessions
    .filter((s) => s.runningSince === undefined)
    .sort(
      (a, b) =>
        (a.waitingSince ?? a.startedAt) - (b.waitingSince ?? b.startedAt) || (a.turns ?? 0) - (b.turns ?? 0) || a.startedAt - b.startedAt || byKey(a, b),
    );
  return new Set([...inTurn, ...waiting, ...turnOver].slice(0, slots).map((s) => s.key));
}

/** Shares `limitA` among `charging`, each capped at its own cap, in 0.1 A steps rounded down. */
function waterFill(limitA: number, charging: ReadonlyArray<{ key: string; cap: number }>): Map<string, number> {
  const out = new Map<string, number>();
  const ordered = [...charging].sort((a, b) => a.cap - b.cap || (a.key < b.key ? -1 : 1));
  let remaining = limitA;
  ordered.forEach((c, i) => {
    const a = down(Math.min(c.cap, remaining / (ordered.length - i)));
    out.set(c.key, a);
    remaining -= a;
  });
  return out;
}

export function allocate(input: AllocationInput): AllocationResult {
  const minA = input.minA ?? MIN_CHARGING_A;
  const settleMs = input.settleMs ?? 0;
  const slots = input.limitA >= minA ? Math.floor(input.limitA / minA) : 0;
  const chosen = chooseCharging(input.sessions, slots, input.now, input.rotationMs);
  const caps = input.sessions
    .filter((s) => chosen.has(s.key))
    .map((s) => {
      const self = isSelfLimited(s, settleMs);
      const cap = self ? Math.max(minA, Math.ceil(s.measured!.a + SELF_LIMITED_HEADROOM_A)) : s.maxA;
      return { key: s.key, cap: Math.max(minA, Math.min(s.maxA, cap)), self };
    });
  const shares = waterFill(input.limitA, caps);
  const selfOf = new Map(caps.map((c) => [c.key, c.self]));
  const allocations = input.sessions.map((s): SessionAllocation => {
    const turns = s.turns ?? 0;
    if (!chosen.has(s.key)) return { key: s.key, a: 0, state: 'waiting', selfLimited: false, waitingSince: s.waitingSince ?? input.now, turns };
    const started = s.runningSince === undefined;
    return {
      key: s.key,
      a: shares.get(s.key)!,
      state: 'charging',
      selfLimited: selfOf.get(s.key)!,
      runningSince: s.runningSince ?? input.now,
      turns: started ? turns + 1 : turns,
    };
  });
  const anyWaiting = allocations.some((a) => a.state === 'waiting');
  const turns = allocations.filter((a) => a.state === 'charging').map((a) => a.runningSince! + input.rotationMs);
  return { allocations, slots, ...(anyWaiting && turns.length > 0 ? { nextRotationAt: Math.min(...turns) } : {}) };
}

/**
 * The TxDefaultProfile every charger of a limited group keeps, so that chargers cut off from the CSMS stay within
 * the fuse even if all of them charge: the limit split over every member, in whole amperes, and 0 when that is below
 * the lowest current a car charges at (docs/site-limits.md#fallback).
 */
export function fallbackLimitA(limitA: number, members: number, minA = MIN_CHARGING_A): number {
  if (members <= 0) return 0;
  const share = Math.floor(limitA / members);
  return share >= minA ? share : 0;
}
