/**
 * The overview's figures when the server has no GET /api/v1/fleet/summary (a server from before it): the
 * charger counts, models, firmware and connector statuses folded from one page of the charger list, with
 * the exact totals the list reports. Configuration and last-hour figures are then unknown.
 */
import type { ChargerRow, FleetSummary } from './api-types.js';

export interface ListTotals {
  total: number;
  /** Exact counts (the list's `total` with connected=true/false); counted in the rows when absent, which is exact only when the rows are all of them. */
  connected?: number;
  disconnected?: number;
  activeTransactions?: number;
}

function count(into: Record<string, number>, key: string): void {
  into[key] = (into[key] ?? 0) + 1;
}

export function summaryFromChargers(rows: readonly ChargerRow[], totals: ListTotals, now: Date): FleetSummary {
  const byModel: Record<string, number> = {};
  const byFirmware: Record<string, number> = {};
  const connectorStatus: Record<string, number> = {};
  let connected = 0;
  for (const r of rows) {
    if (r.connected) connected++;
    count(byModel, r.model);
    // The contract's key: "<model> <firmware>".
    if (r.firmwareVersion) count(byFirmware, `${r.model} ${r.firmwareVersion}`);
    for (const status of Object.values(r.connectorStatus)) count(connectorStatus, status);
  }
  const c = totals.connected ?? connected;
  return {
    at: now.toISOString(),
    chargers: { total: totals.total, connected: c, disconnected: totals.disconnected ?? totals.total - c },
    byModel,
    byFirmware,
    connectorStatus,
    ...(totals.activeTransactions !== undefined ? { transactions: { active: totals.activeTransactions } } : {}),
    computed: { fromChargers: rows.length, ofTotal: totals.total },
  };
}

/** Largest first, then by name: the order the overview lists models, firmware and statuses in. */
export function ranked(counts: Record<string, number>): Array<[string, number]> {
  return Object.entries(counts).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}
