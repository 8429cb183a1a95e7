/**
 * The operator API routes the dashboard uses, typed. Where this server lacks a route of the contract
 * (a server from before the live/summary or authentication work), the answer is made from the routes it
 * has: whoami -> admin (loopback trust, the only way in before tokens), summary -> folded from the list,
 * list parameters it refuses as unknown -> left out. A missing route is asked once per page load.
 */
import type {
  ApiErrorBody,
  ChargerConfiguration,
  ChargerDetail,
  FleetSummary,
  Identity,
  PowerReading,
  SecurityEvent,
  Transaction,
} from '../../domain/api-types.js';
import { listQuery, type ChargerFilters, type PageRef } from '../../domain/charger-filters.js';
import { toPage, type ChargerPage } from '../../domain/charger-rows.js';
import { summaryFromChargers } from '../../domain/fleet-summary.js';
import { ApiError, apiGet, apiPost, isMissingRoute } from './http.js';

const missing = new Set<string>();
const refusedListParams = new Set<string>();
const enc = encodeURIComponent;

export async function whoami(): Promise<Identity> {
  if (!missing.has('whoami')) {
    try {
      return await apiGet<Identity>('/api/v1/whoami');
    } catch (err) {
      if (!isMissingRoute(err)) throw err;
      missing.add('whoami');
    }
  }
  return { name: 'local operator', role: 'admin', assumed: true };
}

/** Query parameters of the charger list this server refused as unknown (left out since). */
export function refusedListParameters(): ReadonlySet<string> {
  return refusedListParams;
}

/** The API's validation pipe names each unknown query parameter with the rule `whitelistValidation`. */
function unknownParameters(err: unknown): string[] {
  if (!(err instanceof ApiError) || err.status !== 400 || !err.body.errors?.length) return [];
  return err.body.errors.every((e) => e.rule === 'whitelistValidation') ? err.body.errors.map((e) => e.field) : [];
}

export async function listChargers(filters: ChargerFilters, page?: PageRef): Promise<ChargerPage> {
  for (;;) {
    try {
      return toPage(await apiGet<Record<string, unknown>>(`/api/v1/chargers?${listQuery(filters, page, refusedListParams)}`));
    } catch (err) {
      const unknown = unknownParameters(err).filter((name) => !refusedListParams.has(name));
      if (unknown.length === 0) throw err;
      for (const name of unknown) refusedListParams.add(name);
    }
  }
}

export async function fleetSummary(): Promise<FleetSummary> {
  if (!missing.has('summary')) {
    try {
      return await apiGet<FleetSummary>('/api/v1/fleet/summary');
    } catch (err) {
      if (!isMissingRoute(err)) throw err;
      missing.add('summary');
    }
  }
  return summaryFromList();
}

async function summaryFromList(): Promise<FleetSummary> {
  const all = await listChargers({ limit: 1000 });
  let connected: number | undefined;
  let disconnected: number | undefined;
  if (all.items.length < all.total) {
    [connected, disconnected] = await Promise.all([true, false].map(async (c) => (await listChargers({ connected: c, limit: 1 })).total));
  }
  const open = await apiGet<{ total: number }>('/api/v1/transactions?state=open&limit=1').catch(() => undefined);
  return summaryFromChargers(all.items, { total: all.total, connected, disconnected, activeTransactions: open?.total }, new Date());
}

export const charger = (id: string): Promise<ChargerDetail> => apiGet(`/api/v1/chargers/${enc(id)}`);
export const configuration = (id: string): Promise<ChargerConfiguration> => apiGet(`/api/v1/chargers/${enc(id)}/configuration`);
export const power = (id: string): Promise<{ connectors: PowerReading[] }> => apiGet(`/api/v1/chargers/${enc(id)}/power`);
export const transactions = (id: string, limit = 10): Promise<{ items: Transaction[]; total: number }> =>
  apiGet(`/api/v1/transactions?chargerId=${enc(id)}&limit=${limit}`);
export const securityEvents = (id: string, limit = 20): Promise<{ items: SecurityEvent[] }> =>
  apiGet(`/api/v1/chargers/${enc(id)}/security-events?limit=${limit}`);
export const models = async (): Promise<Array<{ model: string; name: string }>> =>
  (await apiGet<{ models: Array<{ model: string; name: string }> }>('/api/v1/profiles')).models;

export type CommandReply = { ok: true; status: number; result: unknown } | { ok: false; status: number; body: ApiErrorBody };

/** The charger's answer, or the API's refusal as it came (status and error body): the form shows either. */
export async function sendCommand(id: string, action: string, payload: unknown): Promise<CommandReply> {
  try {
    const { result } = await apiPost<{ result: unknown }>(`/api/v1/chargers/${enc(id)}/commands/${enc(action)}`, payload);
    return { ok: true, status: 200, result };
  } catch (err) {
    if (err instanceof ApiError) return { ok: false, status: err.status, body: err.body };
    throw err;
  }
}
