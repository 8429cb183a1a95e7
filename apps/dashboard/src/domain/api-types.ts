/**
 * The operator API as the dashboard reads it (docs: CONTRACT-LIVE, README's API table). Only the fields
 * the dashboard shows; the server may send more. Where a lib has put its list or shape in its portable module
 * (`#csms/<lib>/portable`, docs/CONVENTIONS-FOR-CONTRIBUTORS.md#portable-modules) this file uses that one; the
 * rest is written from the contract.
 */
import type { ChargerBoot, ChargerConnection } from '#csms/config-manager/portable';
import type { FleetSummary as ServerFleetSummary, LiveEventType } from '#csms/gateway/portable';

export type { ChargerBoot, LiveEventType };
export { LIVE_EVENT_TYPES } from '#csms/gateway/portable';

export type Role = 'viewer' | 'operator' | 'admin';

export interface Identity {
  name: string;
  role: Role;
  /** True when the server has no /api/v1/whoami yet and admin was assumed. */
  assumed?: boolean;
}

/** The API's error shape: `{ error, message, errors? }`, plus whatever the route adds (code, description). */
export interface ApiErrorBody {
  error: string;
  message: string;
  errors?: Array<{ field: string; rule: string; message: string }>;
  [more: string]: unknown;
}

/**
 * GET /api/v1/fleet/summary. A section is absent when the dashboard computed the summary itself (and then
 * energy today may be unknown).
 */
export type FleetSummary = Omit<ServerFleetSummary, 'configuration' | 'transactions' | 'lastHour'> &
  Partial<Pick<ServerFleetSummary, 'configuration' | 'lastHour'>> & {
    transactions?: { active: number; energyTodayWh?: number };
    /** Set by the dashboard when it computed this from the charger list (no summary route on the server). */
    computed?: { fromChargers: number; ofTotal: number };
  };

/** One charger in the list, whichever view the server answered (compact, or the full one before it had compact). */
export interface ChargerRow {
  id: string;
  connected: boolean;
  model: string;
  firmwareVersion: string | null;
  lastSeen: string | null;
  connectorStatus: Record<string, string>;
  /** null: not known (the server's list did not say). */
  drift: boolean | null;
}

export interface ConnectorStatus {
  connectorId: number;
  status: string;
  errorCode: string;
  info?: string | null;
  timestamp: string;
}

/** GET /api/v1/chargers/:id */
export interface ChargerDetail extends ChargerConnection {
  model: string;
  modelOverridden: boolean;
  capabilities: { model: string; keys: string[]; unsupportedActions: string[]; featureProfiles: string[]; neverReports: string[] };
  boot: ChargerBoot | null;
  bootPolicy: { applyConfigurationBeforeAccept: boolean };
  connectors?: ConnectorStatus[];
  statusesUnavailable?: true;
}

/** One key of GET /api/v1/chargers/:id/configuration (`drift`). */
export interface KeyDrift {
  key: string;
  desired: string;
  source: string;
  reported: string | null;
  state: string;
  reason?: string;
  lastOutcome?: string;
  lastOutcomeAt?: string;
  lastMessage?: string;
}

export interface ChargerConfiguration {
  chargerId: string;
  modelName: string;
  connected: boolean;
  reported: { at: string; ageSeconds: number; keys: Array<{ key: string; value: string | null; readonly: boolean }> } | null;
  effective: Record<string, string>;
  notApplicable: string[];
  drift: KeyDrift[];
  drifted: boolean;
}

export interface Transaction {
  id: number;
  connectorId: number;
  idTag: string;
  meterStart: number;
  meterStop: number | null;
  energyWh: number | null;
  startedAt: string;
  stoppedAt: string | null;
  stopReason: string | null;
  state: 'open' | 'closed';
}

export interface SecurityEvent {
  type: string;
  techInfo: string | null;
  timestamp: string;
  remoteAddress: string | null;
  source: string;
}

export interface PowerReading {
  connectorId: number;
  powerW: number | null;
  timestamp: string;
  transactionId: number | null;
}

/** Events of GET /api/v1/events: `data` always has chargerId and at; LiveEvent below needs a payload for every type. */
export interface LiveEventBase {
  chargerId: string;
  at: string;
}
export interface LiveEventData {
  'charger.connected': { gatewayId: string; remoteAddress: string | null };
  'charger.disconnected': { gatewayId: string; code: number; reason: string };
  'charger.boot': { status: string; vendor: string; model: string; firmwareVersion: string | null };
  'connector.status': { connectorId: number; status: string; errorCode: string };
  'transaction.started': { transactionId: number; connectorId: number; idTag: string; meterStart: number };
  'transaction.stopped': { transactionId: number; meterStop: number; reason: string | null };
  power: { connectorId: number; powerW: number | null; transactionId: number | null };
  configuration: { key: string; value: string; outcome: string; inSync: boolean };
  security: { type: string; techInfo: string | null };
  command: { commandId: string; action: string; status: string; origin: string };
  reservation: { event: string; reservationId: number; connectorId: number; idTag: string; status: string; transactionId: number | null };
  'queued-command': { commandId: string; action: string; event: string; status: string; attempt: number | null; outcome: string | null };
  diagnostics: { id: string; kind: string; event: string; status: string; chargerStatus: string | null; fileName: string | null; size: number | null };
  firmware: { status: string; signed?: boolean; requestId?: number | null };
  'charging-profile': { chargingProfileId: number; action: 'set' | 'clear'; outcome: string; message: string | null };
  'site-limit': { group: string; connectorId: number; transactionId: number; offeredA: number; state: 'charging' | 'waiting'; selfLimited: boolean };
}
export type LiveEvent = { [T in LiveEventType]: { type: T; id: string; data: LiveEventBase & LiveEventData[T] } }[LiveEventType];
