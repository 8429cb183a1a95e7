// Counters per charger; the fleet sums them for the progress line and the summary.
export class ChargerStats {
  sent = 0;
  received = 0;
  errors = 0;
  connects = 0;
  connectFailures = 0;
  disconnects = 0;
  boots = 0;
  txStarted = 0;
  txStopped = 0;
  dropped = 0;
  commands = 0;
}

export type StatsSnapshot = { [K in keyof ChargerStats]: number };

export function emptyStats(): StatsSnapshot {
  return { ...new ChargerStats() };
}

export function addStats(into: StatsSnapshot, s: StatsSnapshot): void {
  for (const k of Object.keys(into) as Array<keyof StatsSnapshot>) into[k] += s[k];
}
