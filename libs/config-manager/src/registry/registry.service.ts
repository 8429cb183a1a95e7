import type { DataSource } from 'typeorm';
import { MAX_OFFSET, ok, refuse, type ServiceReply } from '#csms/http';
import { CHARGER_MODELS, detectChargerModel, isChargerModel, type ChargerModel } from './charger-model.js';
import { toSummary, type ChargerRow, type ChargerSummary } from './charger-summary.js';

export interface ListChargersRequest {
  limit?: number;
  offset?: number;
  /** Only connected (true) or only disconnected (false) chargers; absent: all. */
  connected?: boolean;
}

export interface ChargerPage {
  items: ChargerSummary[];
  total: number;
  limit: number;
  offset: number;
}

export interface GetChargerRequest {
  chargerId: string;
}

export interface SetModelRequest {
  chargerId: string;
  /** The override; null removes it and the model is detected again from the last BootNotification. */
  model: ChargerModel | null;
}

export interface SetBootPolicyRequest {
  chargerId: string;
  /** Answer BootNotification Pending until the desired configuration is applied (issue 3 §2). */
  applyConfigurationBeforeAccept: boolean;
}

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

const isNonNegativeInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

/** The registry's answers to the API: list, get, model override. Bodies come off the bus, so they are checked here too. */
export class RegistryService {
  constructor(private readonly db: DataSource) {}

  async list(req: ListChargersRequest = {}): Promise<ServiceReply<ChargerPage>> {
    const limit = req.limit ?? DEFAULT_PAGE_SIZE;
    const offset = req.offset ?? 0;
    if (!isNonNegativeInt(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
      return refuse(400, 'validation_failed', `limit must be an integer from 1 to ${MAX_PAGE_SIZE}`, [
        { field: 'limit', value: limit, rule: 'range', message: `limit must be an integer from 1 to ${MAX_PAGE_SIZE}` },
      ]);
    }
    if (!isNonNegativeInt(offset) || offset > MAX_OFFSET) {
      return refuse(400, 'validation_failed', `offset must be an integer from 0 to ${MAX_OFFSET}`, [
        { field: 'offset', value: offset, rule: 'range', message: `offset must be an integer from 0 to ${MAX_OFFSET}` },
      ]);
    }
    if (req.connected !== undefined && typeof req.connected !== 'boolean') {
      return refuse(400, 'validation_failed', 'connected must be a boolean', [
        { field: 'connected', value: req.connected, rule: 'isBoolean', message: 'connected must be a boolean' },
      ]);
    }
    const connected = req.connected ?? null;
    const rows: ChargerRow[] = await this.db.query(
      `SELECT * FROM config_chargers WHERE ($1::boolean IS NULL OR connected = $1::boolean)
        ORDER BY charger_id LIMIT $2 OFFSET $3`,
      [connected, limit, offset],
    );
    const counted: Array<{ total: string | number }> = await this.db.query(
      `SELECT count(*) AS total FROM config_chargers WHERE ($1::boolean IS NULL OR connected = $1::boolean)`,
      [connected],
    );
    return ok({ items: rows.map(toSummary), total: Number(counted[0]?.total ?? 0), limit, offset });
  }

  async get(req: GetChargerRequest): Promise<ServiceReply<ChargerSummary>> {
    const rows: ChargerRow[] = await this.db.query(`SELECT * FROM config_chargers WHERE charger_id = $1`, [req.chargerId]);
    return rows[0] ? ok(toSummary(rows[0])) : notFound(req.chargerId);
  }

  async setModel(req: SetModelRequest): Promise<ServiceReply<ChargerSummary>> {
    if (req.model !== null && !isChargerModel(req.model)) {
      const message = `model must be one of ${CHARGER_MODELS.join(', ')} (or null to detect it again)`;
      return refuse(400, 'validation_failed', message, [{ field: 'model', value: req.model, rule: 'isIn', message }]);
    }
    return this.db.transaction(async (tx) => {
      const rows: ChargerRow[] = await tx.query(`SELECT * FROM config_chargers WHERE charger_id = $1 FOR UPDATE`, [req.chargerId]);
      const row = rows[0];
      if (!row) return notFound(req.chargerId);
      const model =
        req.model ??
        detectChargerModel({
          chargerId: row.charger_id,
          chargePointVendor: row.boot_vendor,
          chargePointModel: row.boot_model,
          chargePointSerialNumber: row.charge_point_serial_number,
          firmwareVersion: row.firmware_version,
        });
      const updated: ChargerRow[] = await tx.query(
        `UPDATE config_chargers SET model = $2, model_override = $3, updated_at = now() WHERE charger_id = $1 RETURNING *`,
        [req.chargerId, model, req.model],
      );
      return ok(toSummary(firstRow(updated)));
    });
  }

  /** The policy takes effect at the charger's next BootNotification; an Accepted charger is not sent back to Pending. */
  async setBootPolicy(req: SetBootPolicyRequest): Promise<ServiceReply<ChargerSummary>> {
    if (typeof req.applyConfigurationBeforeAccept !== 'boolean') {
      const message = 'applyConfigurationBeforeAccept must be a boolean value';
      return refuse(400, 'validation_failed', message, [{ field: 'applyConfigurationBeforeAccept', value: req.applyConfigurationBeforeAccept, rule: 'isBoolean', message }]);
    }
    const updated: unknown = await this.db.query(
      `UPDATE config_chargers SET apply_config_before_accept = $2, updated_at = now() WHERE charger_id = $1 RETURNING *`,
      [req.chargerId, req.applyConfigurationBeforeAccept],
    );
    const row = firstRow(updated) as ChargerRow | undefined;
    return row ? ok(toSummary(row)) : notFound(req.chargerId);
  }
}

const notFound = (chargerId: string): ServiceReply<never> =>
  refuse(404, 'charger_not_found', `charger ${chargerId} is not known (it never connected or booted)`);

/** UPDATE ... RETURNING comes back as [rows, count] through TypeORM's postgres drivers, plain rows otherwise. */
function firstRow(result: unknown): ChargerRow {
  const rows = Array.isArray(result) && Array.isArray(result[0]) ? (result[0] as ChargerRow[]) : (result as ChargerRow[]);
  return rows[0];
}
