// The answer of GET /api/v1/fleet/summary, in the lib's portable folder (type only, no imports) so the ops
// dashboard reads the server's own shape (docs/CONVENTIONS-FOR-CONTRIBUTORS.md#portable-modules).

/** GET /api/v1/fleet/summary (docs/api-events.md). */
export interface FleetSummary {
  at: string;
  chargers: { total: number; connected: number; disconnected: number };
  byModel: Record<string, number>;
  byFirmware: Record<string, number>;
  connectorStatus: Record<string, number>;
  configuration: { inSync: number; drift: number; refused: number; unknown: number };
  transactions: { active: number; energyTodayWh: number };
  lastHour: { callErrors: number; securityEvents: number; commands: number };
}
