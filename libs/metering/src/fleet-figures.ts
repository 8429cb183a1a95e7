/**
 * Metering's part of GET /api/v1/fleet/summary and of the charger list's status filter: aggregates in SQL,
 * never rows per charger (docs/reference/design-decisions.md#operator-api: a 10k-charger fleet is numbers, not a page of 10k objects).
 */
import type { Sql } from '#csms/persistence';
import { ok, refuse, type ServiceReply } from '#csms/http';

export interface MeteringFleetFigures {
  /** Connectors by their last StatusNotification status (connector 0, the charger itself, included). */
  connectorStatus: Record<string, number>;
  activeTransactions: number;
  /**
   * Energy (Wh) of the transactions that ended today (UTC), plus what the open ones delivered so far (their
   * latest Energy.Active.Import.Register reading minus meterStart).
   */
  energyTodayWh: number;
}

export async function meteringFleetFigures(sql: Sql): Promise<ServiceReply<MeteringFleetFigures>> {
  const statuses = await sql.query<{ status: string; n: string | number }>(`SELECT status, count(*) AS n FROM metering_connector_status GROUP BY status`);
  const [tx] = await sql.query<{ active: string | number; closed_wh: string | number | null }>(
    `SELECT count(*) FILTER (WHERE stopped_at IS NULL) AS active,
            sum(energy_wh) FILTER (WHERE stopped_at >= date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC') AS closed_wh
       FROM metering_transactions
      WHERE stopped_at IS NULL OR stopped_at >= date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'`,
  );
  const [open] = await sql.query<{ wh: string | number | null }>(
    `SELECT sum(greatest(0, last.wh - t.meter_start)) AS wh
       FROM metering_transactions t
       CROSS JOIN LATERAL (
         SELECT CASE WHEN m.unit = 'kWh' THEN m.value_num * 1000 ELSE m.value_num END AS wh
           FROM metering_meter_values m
          WHERE m.transaction_id = t.id AND m.measurand = 'Energy.Active.Import.Register' AND m.phase IS NULL AND m.value_num IS NOT NULL
          ORDER BY m."timestamp" DESC LIMIT 1) last
      WHERE t.stopped_at IS NULL`,
  );
  return ok({
    connectorStatus: Object.fromEntries(statuses.map((r) => [r.status, Number(r.n)])),
    activeTransactions: Number(tx?.active ?? 0),
    energyTodayWh: Math.round(Number(tx?.closed_wh ?? 0) + Number(open?.wh ?? 0)),
  });
}

/** Chargers with at least one connector whose last status is `status` (the list's `status` filter). */
export async function chargersWithStatus(sql: Sql, status: unknown): Promise<ServiceReply<{ chargerIds: string[] }>> {
  if (typeof status !== 'string' || status === '')
    return refuse(400, 'validation_failed', 'status: must be a connector status', [
      { field: 'status', rule: 'isString', message: 'status must be a connector status' },
    ]);
  const rows = await sql.query<{ charger_id: string }>(`SELECT DISTINCT charger_id FROM metering_connector_status WHERE status = $1`, [status]);
  return ok({ chargerIds: rows.map((r) => r.charger_id) });
}
