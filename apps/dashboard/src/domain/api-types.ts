/**
 * The operator API as the dashboard reads it (docs: CONTRACT-LIVE, README's API table). Only the fields
 * the dashboard shows; the server may send more. The browser cannot import the libs' own types
 * (#csms/* resolves in Node only), so these are written from the contract.
 */

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

/** GET /api/v1/fleet/summary. A section is absent when the dashboard computed the summary itself. */
export interface FleetSummary {
  at: string;
  chargers: { total: number; connected: number; disconnected: number };
  byModel: Record<string, number>;
  byFirmware: Record<string, number>;
  connectorStatus: Record<string, number>;
  configuration?: { inSync: number; drift: number; refused: number; unknown: number };
  transactions?: { active: number; energyTodayWh?: number };
  lastHour?: { callErrors: number; securityEvents: number; commands: number };
  /** Set by the dashboard when it computed this from the charger list (no summary route on the server). */
  computed?: { fromChargers: number; ofTotal: number };
}

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

export interface ChargerBoot {
  vendor: string | null;
  model: string | null;
  serialNumber: string | null;
  chargeBoxSerialNumber: string | null;
  firmwareVersion: string | null;
  iccid: string | null;
  imsi: string | null;
  meterType: string | null;
  meterSerialNumber: string | null;
  at: string | null;
  status: string | null;
}

/** GET /api/v1/chargers/:id */
export interface ChargerDetail {
  id: string;
  connected: boolean;
  gatewayId: string | null;
  connectedAt: string | null;
  disconnectedAt: string | null;
  lastSeen: string | null;
  remoteAddress: string | null;
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

/** Events of GET /api/v1/events: `data` always has chargerId and at. */
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
export type LiveEventType = keyof LiveEventData;
export const LIVE_EVENT_TYPES = [
  'charger.connected',
  'charger.disconnected',
  'charger.boot',
  'connector.status',
  'transaction.started',
  'transaction.stopped',
  'power',
  'configuration',
  'security',
  'command',
  'queued-command',
  'reservation',
  'diagnostics',
  'firmware',
  'charging-profile',
  'site-limit',
] as const satisfies readonly LiveEventType[];

export type LiveEvent = { [T in LiveEventType]: { type: T; id: string; data: LiveEventBase & LiveEventData[T] } }[LiveEventType];
