/** How the dashboard writes figures: units an operator reads at a glance, a dash for "not known". */

export const UNKNOWN = '—';

export function formatPower(powerW: number | null | undefined): string {
  if (powerW === null || powerW === undefined) return UNKNOWN;
  return Math.abs(powerW) >= 1000 ? `${(powerW / 1000).toFixed(1)} kW` : `${Math.round(powerW)} W`;
}

export function formatEnergy(wh: number | null | undefined): string {
  if (wh === null || wh === undefined) return UNKNOWN;
  return Math.abs(wh) >= 1000 ? `${(wh / 1000).toFixed(2)} kWh` : `${Math.round(wh)} Wh`;
}

export function formatCount(n: number | null | undefined): string {
  return n === null || n === undefined ? UNKNOWN : n.toLocaleString('en');
}

/** "12 s ago", "5 min ago", "3 h ago", else the date: for last-seen and event times. */
export function formatAgo(iso: string | null | undefined, now: Date): string {
  if (!iso) return UNKNOWN;
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return UNKNOWN;
  const s = Math.round((now.getTime() - t) / 1000);
  if (s < 0) return formatTime(iso);
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  return formatTime(iso);
}

/** ISO 8601 without milliseconds, in UTC like every time the API returns: "2026-11-26 10:00:00Z". */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return UNKNOWN;
  const d = new Date(iso);
  return Number.isNaN(d.getTime())
    ? UNKNOWN
    : d
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d{3}Z$/, 'Z');
}
