import { Injectable, Inject } from '@nestjs/common';
import { DATA_SOURCE, inOneSnapshot, keyedBatcher, sqlOf, type Batcher, type Sql } from '#csms/persistence';
import type { DataSource } from 'typeorm';
import { MAX_OFFSET, ok, refuse, type ServiceReply } from '#csms/http';
import { CHARGER_MODELS, detectChargerModel, isChargerModel, type ChargerModel } from './charger-model.js';
import { toSummary, type ChargerRow, type ChargerSummary } from './charger-summary.js';
import {
  DEFAULT_PAGE_SIZE,
  MAX_PAGE_SIZE,
  decodeCursor,
  encodeCursor,
  listSql,
  LIST_FROM,
  LIST_SORTS,
  type ChargerListFilters,
  type ListSort,
} from './charger-list-query.js';

export interface ListChargersRequest extends ChargerListFilters {
  limit?: number;
  offset?: number;
  /** Default 'id'. */
  sort?: ListSort;
  /** Where the page starts: `nextCursor` of the page before (instead of offset). */
  cursor?: string;
}

export interface ChargerPage {
  items: ChargerSummary[];
  /** Chargers matching the filters (all pages). */
  total: number;
  limit: number;
  offset: number;
  /** Start of the next page (`cursor`), null on the last page. */
  nextCursor: string | null;
}

/** The registry's figures for GET /api/v1/fleet/summary. */
export interface RegistryFleetFigures {
  total: number;
  connected: number;
  byModel: Record<string, number>;
  /** "<model> <firmware version>": firmware versions mean something only within a model. */
  byFirmware: Record<string, number>;
  /** Chargers by configuration sync state; never reconciled counts as unknown. */
  configuration: { inSync: number; drift: number; refused: number; unknown: number };
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
  /** Answer BootNotification Pending until the desired configuration is applied (docs/reference/design-decisions.md#boot-policy). */
  applyConfigurationBeforeAccept: boolean;
}

const isNonNegativeInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

/** The registry's answers to the API: list, get, model override. Bodies come off the bus, so they are checked here too. */
@Injectable()
export class RegistryService {
  private readonly sql: Sql;
  /**
   * One charger's row, asked by every command and reservation that misses the gateway's capability cache
   * (the first one to a charger after it connected or booted): lookups arriving together share one statement.
   */
  private readonly rows: Batcher<string, ChargerRow | undefined>;

  constructor(@Inject(DATA_SOURCE) db: DataSource) {
    this.sql = sqlOf(db);
    this.rows = keyedBatcher(
      async (ids) => {
        // The capabilities the command and reservation APIs check follow the charger's reported profiles (charger-model.ts).
        const rows = await this.sql.query<ChargerRow>(
          `SELECT config_chargers.*, s.state AS sync_state,
             (SELECT r.value FROM config_reported r WHERE r.charger_id = config_chargers.charger_id AND r.key = 'SupportedFeatureProfiles') AS supported_feature_profiles
           FROM ${LIST_FROM} WHERE charger_id = ANY($1::text[])`,
          [ids],
        );
        return new Map(rows.map((r) => [r.charger_id, r]));
      },
      () => undefined,
      { name: 'db batch config_chargers get' },
    );
  }

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
    const bad = badFilters(req);
    if (bad) return bad;
    const sort = req.sort ?? 'id';
    const cursor = req.cursor === undefined ? undefined : decodeCursor(req.cursor);
    if (req.cursor !== undefined && (!cursor || cursor.sort !== sort)) {
      const message = 'cursor must be the nextCursor of a page of this list with the same sort';
      return refuse(400, 'validation_failed', message, [{ field: 'cursor', value: req.cursor, rule: 'cursor', message }]);
    }
    if (cursor && req.offset !== undefined && req.offset !== 0) {
      const message = 'a page starts at a cursor or at an offset, not both';
      return refuse(400, 'validation_failed', message, [{ field: 'offset', value: req.offset, rule: 'cursorOrOffset', message }]);
    }
    const q = listSql(req, sort);
    const after = q.after(cursor);
    const where = after.condition ? (q.where ? `${q.where} AND ${after.condition}` : `WHERE ${after.condition}`) : q.where;
    const params = [...q.params, ...after.params];
    // One snapshot: the total counts the rows the page lists, whatever connects or boots meanwhile.
    const { rows, counted } = await inOneSnapshot(this.sql, async (tx) => ({
      rows: await tx.query<ChargerRow & { sort_key: string }>(
        `SELECT config_chargers.*, s.state AS sync_state, (${q.key})::text AS sort_key FROM ${LIST_FROM} ${where} ${q.order} LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
        [...params, limit + 1, cursor ? 0 : offset],
      ),
      counted: await tx.query<{ total: string | number }>(`SELECT count(*) AS total FROM ${LIST_FROM} ${q.where}`, q.params),
    }));
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    const nextCursor = rows.length > limit && last ? encodeCursor({ sort, key: last.sort_key, id: last.charger_id }) : null;
    return ok({ items: page.map(toSummary), total: Number(counted[0]?.total ?? 0), limit, offset: cursor ? 0 : offset, nextCursor });
  }

  /** Counts by connection state, model and firmware: three aggregates, whatever the fleet's size. */
  async fleetFigures(): Promise<ServiceReply<RegistryFleetFigures>> {
    const [counts] = await this.sql.query<{ total: string | number; connected: string | number }>(
      `SELECT count(*) AS total, count(*) FILTER (WHERE connected) AS connected FROM config_chargers`,
    );
    const models = await this.sql.query<{ model: string; n: string | number }>(`SELECT model, count(*) AS n FROM config_chargers GROUP BY model`);
    const firmware = await this.sql.query<{ model: string; firmware_version: string; n: string | number }>(
      `SELECT model, firmware_version, count(*) AS n FROM config_chargers WHERE firmware_version IS NOT NULL GROUP BY model, firmware_version`,
    );
    const sync = await this.sql.query<{ state: string | null; n: string | number }>(`SELECT s.state, count(*) AS n FROM ${LIST_FROM} GROUP BY s.state`);
    const bySync = (state: string): number => sync.filter((r) => (r.state ?? 'unknown') === state).reduce((sum, r) => sum + Number(r.n), 0);
    return ok({
      configuration: { inSync: bySync('in-sync'), drift: bySync('drift'), refused: bySync('refused'), unknown: bySync('unknown') },
      total: Number(counts?.total ?? 0),
      connected: Number(counts?.connected ?? 0),
      byModel: Object.fromEntries(models.map((r) => [r.model, Number(r.n)])),
      byFirmware: Object.fromEntries(firmware.map((r) => [`${r.model} ${r.firmware_version}`, Number(r.n)])),
    });
  }

  async get(req: GetChargerRequest): Promise<ServiceReply<ChargerSummary>> {
    const row = await this.rows.add(req.chargerId);
    return row ? ok(toSummary(row)) : notFound(req.chargerId);
  }

  async setModel(req: SetModelRequest): Promise<ServiceReply<ChargerSummary>> {
    if (req.model !== null && !isChargerModel(req.model)) {
      const message = `model must be one of ${CHARGER_MODELS.join(', ')} (or null to detect it again)`;
      return refuse(400, 'validation_failed', message, [{ field: 'model', value: req.model, rule: 'isIn', message }]);
    }
    return this.sql.transaction(async (tx) => {
      const rows = await tx.query<ChargerRow>(`SELECT * FROM config_chargers WHERE charger_id = $1 FOR UPDATE`, [req.chargerId]);
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
      const updated = await tx.query<ChargerRow>(
        `UPDATE config_chargers SET model = $2, model_override = $3, updated_at = now() WHERE charger_id = $1 RETURNING *`,
        [req.chargerId, model, req.model],
      );
      return ok(toSummary(updated[0]));
    });
  }

  /** The policy takes effect at the charger's next BootNotification; an Accepted charger is not sent back to Pending. */
  async setBootPolicy(req: SetBootPolicyRequest): Promise<ServiceReply<ChargerSummary>> {
    if (typeof req.applyConfigurationBeforeAccept !== 'boolean') {
      const message = 'applyConfigurationBeforeAccept must be a boolean value';
      return refuse(400, 'validation_failed', message, [
        { field: 'applyConfigurationBeforeAccept', value: req.applyConfigurationBeforeAccept, rule: 'isBoolean', message },
      ]);
    }
    const updated = await this.sql.query<ChargerRow>(
      `UPDATE config_chargers SET apply_config_before_accept = $2, updated_at = now() WHERE charger_id = $1 RETURNING *`,
      [req.chargerId, req.applyConfigurationBeforeAccept],
    );
    const row = updated[0] as ChargerRow | undefined;
    return row ? ok(toSummary(row)) : notFound(req.chargerId);
  }
}

/** The filters as they come off the bus: the API checked them, a bus caller may not have. */
function badFilters(req: ListChargersRequest): ServiceReply<never> | undefined {
  const fail = (field: string, value: unknown, rule: string, message: string): ServiceReply<never> =>
    refuse(400, 'validation_failed', message, [{ field, value, rule, message }]);
  if (req.connected !== undefined && typeof req.connected !== 'boolean') return fail('connected', req.connected, 'isBoolean', 'connected must be a boolean');
  if (req.drift !== undefined && typeof req.drift !== 'boolean') return fail('drift', req.drift, 'isBoolean', 'drift must be a boolean');
  for (const field of ['model', 'firmware', 'group', 'q'] as const) {
    const v = req[field];
    if (v !== undefined && (typeof v !== 'string' || v === '')) return fail(field, v, 'isString', `${field} must be non-empty text`);
  }
  if (req.ids !== undefined && (!Array.isArray(req.ids) || req.ids.some((id) => typeof id !== 'string')))
    return fail('ids', req.ids, 'isArray', 'ids must be an array of charger ids');
  if (req.sort !== undefined && !(LIST_SORTS as readonly string[]).includes(req.sort))
    return fail('sort', req.sort, 'isIn', `sort must be one of ${LIST_SORTS.join(', ')}`);
  if (req.cursor !== undefined && typeof req.cursor !== 'string') return fail('cursor', req.cursor, 'isString', 'cursor must be text');
  return undefined;
}

const notFound = (chargerId: string): ServiceReply<never> =>
  refuse(404, 'charger_not_found', `charger ${chargerId} is not known (it never connected or booted)`);
