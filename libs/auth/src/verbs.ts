/**
 * Auth's bus verbs: one definition each (subject, request, reply), imported by whoever asks auth (`#csms/auth/verbs`)
 * and by the controller that answers. Only types come from auth's internals, so importing this loads no service code.
 */
import {
  defineVerb,
  subjects,
  verbAt,
  type NoRequest,
  type Page,
  type AuthReadyReply,
  type ChargerMessage,
  type ChargerReply,
  type ConnectAuthReply,
  type ConnectAuthRequest,
} from '#csms/bus';
import type { AuditEntry, KnownApiToken, Role } from '#csms/http';
import type { AuthorizeRequest, AuthorizeResponse } from '#csms/ocpp';
import type { ApiTokenView, AuditQuery, AuditRecord, CreatedApiToken } from './api-access/api-access.store.js';
import type { RotationStarted, RotationView } from './authorization-key-rotation.service.js';
import type { RegisterChargerInput, RegisteredCharger, RegistrationView } from './charger-registry.service.js';
export type { RegistrationView, StartVerdict };
import type { ConnectCounters } from './connect-decision.service.js';
import type { RegistrationState } from './charger-registry.service.rows.js';
import type { IdTagInput, IdTagView, StartVerdict } from './id-tags.service.js';
import type { LocalListState } from './local-auth-list.store.js';
import type { Delivery } from './reservations/reservations.service.js';
import type { ReservationView } from './reservations/reservations.store.js';
import type { SecurityEventView } from './security-events.service.js';

export type ChargerRequest = { chargerId: string };

// Charger CALLs auth decides and the gateway's questions.
export const authorize = verbAt<ChargerMessage<AuthorizeRequest>, ChargerReply<AuthorizeResponse>>(subjects.request('Authorize'), 'auth');
export const connect = verbAt<ConnectAuthRequest, ConnectAuthReply>(subjects.authConnect, 'auth');
export const ready = verbAt<NoRequest, AuthReadyReply>(subjects.authReady, 'auth');
export const connectStats = defineVerb<NoRequest, ConnectCounters & { trackedThrottleKeys: number }>('auth', 'connectStats');

// Drivers' idTags.
export type IdTagRequest = { idTag: string };
export type IdTagWrite = IdTagInput & IdTagRequest;
export const createIdTag = defineVerb<IdTagWrite, IdTagView>('auth', 'createIdTag');
export const listIdTags = defineVerb<{ limit?: number; offset?: number; group?: string }, Page<IdTagView>>('auth', 'listIdTags');
export const getIdTag = defineVerb<IdTagRequest, IdTagView>('auth', 'getIdTag');
export const replaceIdTag = defineVerb<IdTagWrite, IdTagView>('auth', 'replaceIdTag');
export const deleteIdTag = defineVerb<IdTagRequest, { deleted: true }>('auth', 'deleteIdTag');

/** Metering's question before it stores a StartTransaction; the start's key is optional (an older metering omits it). */
export interface IdTagInfoForStartRequest {
  chargerId: string;
  idTag: string;
  connectorId?: number;
  timestamp?: string;
  reservationId?: number;
}
export const idTagInfoForStart = defineVerb<IdTagInfoForStartRequest, StartVerdict>('auth', 'idTagInfoForStart');

// Reservations (the API's, and metering's link of a used one).
export interface CreateReservationRequest {
  chargerId: string;
  connectorId: number;
  idTag: string;
  parentIdTag?: string;
  expiresAt: string;
  requestedBy?: string;
  timeoutMs?: number;
}
export type ReservationOutcome = { reservation: ReservationView; delivery: Delivery };
export type ReservationRequest = { reservationId: number };
export const createReservation = defineVerb<CreateReservationRequest, ReservationOutcome>('auth', 'createReservation');
export const listReservations = defineVerb<{ chargerId?: string; status?: string; limit?: number; offset?: number }, Page<ReservationView>>(
  'auth',
  'listReservations',
);
export const getReservation = defineVerb<ReservationRequest, ReservationView>('auth', 'getReservation');
export const cancelReservation = defineVerb<ReservationRequest & { requestedBy?: string; timeoutMs?: number }, ReservationOutcome>('auth', 'cancelReservation');
export const reservationUsed = defineVerb<ReservationRequest & { transactionId: number }, { linked: boolean }>('auth', 'reservationUsed');

// API tokens and the audit log (the gateway's questions).
export const verifyApiToken = defineVerb<{ tokenHash: string }, KnownApiToken | null>('auth', 'verifyApiToken');
export const createApiToken = defineVerb<{ name: string; role: Role; createdBy?: string }, CreatedApiToken>('auth', 'createApiToken');
export const listApiTokens = defineVerb<NoRequest, { items: ApiTokenView[] }>('auth', 'listApiTokens');
export const revokeApiToken = defineVerb<{ id: string }, { id: string; revoked: true }>('auth', 'revokeApiToken');
export const recordAudit = defineVerb<AuditEntry, { stored: true }>('auth', 'recordAudit');
export const listAudit = defineVerb<AuditQuery, { items: AuditRecord[] }>('auth', 'listAudit');

// Charger credentials and registration.
export const registerCharger = defineVerb<RegisterChargerInput, RegisteredCharger>('auth', 'registerCharger');
/** Asked by config-manager when a charger sends BootNotification (and only then): it confirms a provisional record. */
export const registration = defineVerb<ChargerRequest, RegistrationView>('auth', 'registration');
export const setRegistration = defineVerb<ChargerRequest & { state: RegistrationState }, RegistrationView>('auth', 'setRegistration');
/** config-manager, after each GetConfiguration: the free-charging and decoding keys. */
export const setReportedConfiguration = defineVerb<ChargerRequest & { keys: Record<string, string> }, { stored: true }>('auth', 'setReportedConfiguration');
export const startKeyRotation = defineVerb<ChargerRequest & { key?: string }, RotationStarted>('auth', 'startKeyRotation');
export const keyRotationStatus = defineVerb<ChargerRequest, RotationView>('auth', 'keyRotationStatus');
export const abandonKeyRotation = defineVerb<ChargerRequest, RotationView>('auth', 'abandonKeyRotation');

// Local authorization lists.
export const getLocalAuthList = defineVerb<ChargerRequest, LocalListState>('auth', 'getLocalAuthList');
export const setLocalAuthListGroup = defineVerb<ChargerRequest & { group: string | null }, LocalListState>('auth', 'setLocalAuthListGroup');

// Security events.
export const securityEventCount = defineVerb<{ sinceMs?: number }, { count: number }>('auth', 'securityEventCount');
export const listSecurityEvents = defineVerb<ChargerRequest & { limit?: number; offset?: number }, { items: SecurityEventView[] }>(
  'auth',
  'listSecurityEvents',
);
