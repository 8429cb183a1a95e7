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
 * than before); a free place goes to the car that waited longest (among cars that began waiting together, the one
 * that had fewer turns); a car whose turn is over gives its place to a waiting car that may take it (`takers`), the
 * one that charged longest first.
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
    .sort((a, b) => waitedFrom(a) - waitedFrom(b) || (a.turns ?? 0) - (b.turns ?? 0) || a.startedAt - b.startedAt || byKey(a, b));
  if (inTurn.length >= slots) return new Set(inTurn.slice(0, slots).map((s) => s.key));
  const room = slots - inTurn.length;
  const free = Math.max(0, room - turnOver.length);
  const places = room - free;
  const taking = takers(waiting.slice(free), turnOver, places, now, rotationMs);
  const chosen = [...inTurn, ...waiting.slice(0, free), ...taking, ...turnOver.slice(0, places - taking.length)];
  return new Set(chosen.map((s) => s.key));
}

const waitedFrom = (s: SessionInput): number => s.waitingSince ?? s.startedAt;

/**
 * A car that had a turn and was sent to wait may take a place back only when a turn ends after it began waiting, or
 * once it has waited a whole rotation. Without the first rule, two cars past their turn with one car waiting would
 * swap twice: the car rotated out would be a waiting car at the next allocation and take the other one's place. The
 * second keeps it from waiting forever when every car charging was already past its turn when it began waiting (the
 * limit was lowered, say). A car that has not charged yet may take any place whose turn is over.
 */
function mayTake(w: SessionInput, now: number, rotationMs: number): (turnEnd: number) => boolean {
  if ((w.turns ?? 0) === 0 || now - waitedFrom(w) >= rotationMs) return () => true;
  return (turnEnd) => turnEnd > waitedFrom(w);
}

/**
 * The waiting cars, in their order, that take the places of cars whose turn is over: at most `places`, and only as
 * many as there are turn ends they may take. Which ends a car may take are nested (a later end is open to every car
 * an earlier one is), so a choice holds when, sorted by how many ends each may take, the i-th may take more than i.
 */
function takers(waiting: readonly SessionInput[], turnOver: readonly SessionInput[], places: number, now: number, rotationMs: number): SessionInput[] {
  const ends = turnOver.map((s) => s.runningSince! + rotationMs);
  const chosen: SessionInput[] = [];
  const reaches: number[] = [];
  for (const w of waiting) {
    if (chosen.length >= places) break;
    const may = mayTake(w, now, rotationMs);
    const reach = ends.filter(may).length;
    const trial = [...reaches, reach].sort((a, b) => a - b);
    if (!trial.every((r, i) => r > i)) continue;
    chosen.push(w);
    reaches.push(reach);
  }
  return chosen;
}

/**
 * When the choice can next change while cars wait: a charging car's turn ends, or a car sent to wait has waited a
 * whole rotation. Never in the past: a car past its turn keeps its place until one of those.
 */
function nextRotation(allocations: readonly SessionAllocation[], now: number, rotationMs: number): number | undefined {
  const ends = allocations.filter((a) => a.state === 'charging').map((a) => a.runningSince! + rotationMs);
  const waitedOut = allocations.filter((a) => a.state === 'waiting' && a.turns > 0).map((a) => a.waitingSince! + rotationMs);
  const future = [...ends, ...waitedOut].filter((t) => t > now);
  return future.length > 0 ? Math.min(...future) : undefined;
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
  const anyCharging = allocations.some((a) => a.state === 'charging');
  const anyWaiting = allocations.some((a) => a.state === 'waiting');
  const next = anyWaiting && anyCharging ? nextRotation(allocations, input.now, input.rotationMs) : undefined;
  return { allocations, slots, ...(next !== undefined ? { nextRotationAt: next } : {}) };
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
