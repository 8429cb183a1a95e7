/** The counters a fleet worker reports, and the fleet's sum of them (fleet.ts). */
export interface WorkerStats {
  type: 'stats';
  chargers: number;
  open: number;
  booted: number;
  /** Chargers that opened a second socket (after their gateway closed the first). */
  reconnected: number;
  /** Open sockets per gateway URL. */
  perUrl: Record<string, number>;
  meterValuesAcked: number;
  heartbeatsAcked: number;
  callErrors: number;
  resentAfterClose: number;
  timeouts: number;
  closeCodes: Record<string, number>;
  commandsAnswered: number;
}

/** Every counter at zero: a worker's start, and the fleet's sum before the first worker is added. */
export function emptyStats(chargers: number): WorkerStats {
  return {
    type: 'stats',
    chargers,
    open: 0,
    booted: 0,
    reconnected: 0,
    perUrl: {},
    meterValuesAcked: 0,
    heartbeatsAcked: 0,
    callErrors: 0,
    resentAfterClose: 0,
    timeouts: 0,
    closeCodes: {},
    commandsAnswered: 0,
  };
}
