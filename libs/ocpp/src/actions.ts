import type * as T from './generated/ocpp16-types.js';
import { CHARGER_INITIATED_ACTIONS, CSMS_INITIATED_ACTIONS, READ_ONLY_ACTIONS } from './portable/actions.js';

export { CHARGER_INITIATED_ACTIONS, CSMS_INITIATED_ACTIONS };

export type ChargerInitiatedAction = (typeof CHARGER_INITIATED_ACTIONS)[number];
export type CsmsInitiatedAction = (typeof CSMS_INITIATED_ACTIONS)[number];
/** The 39 OCPP 1.6 (+ security extension) actions. Names are case-sensitive [J16 §4.2.1]. */
export type OcppAction = ChargerInitiatedAction | CsmsInitiatedAction;

const ALL_ACTIONS: ReadonlySet<string> = new Set<string>([...CHARGER_INITIATED_ACTIONS, ...CSMS_INITIATED_ACTIONS]);

/** All 39 actions, each once, sorted. */
export const OCPP_ACTIONS: readonly OcppAction[] = [...ALL_ACTIONS].sort() as OcppAction[];

export function isOcppAction(s: string): s is OcppAction {
  return ALL_ACTIONS.has(s);
}

const READ_ONLY: ReadonlySet<string> = new Set<string>(READ_ONLY_ACTIONS);

/** A CSMS -> charger action that only reads (READ_ONLY_ACTIONS): sending it again changes nothing on the charger. */
export function isReadOnlyAction(action: string): boolean {
  return READ_ONLY.has(action);
}

export interface OcppRequestMap {
  Authorize: T.AuthorizeRequest;
  BootNotification: T.BootNotificationRequest;
  CancelReservation: T.CancelReservationRequest;
  CertificateSigned: T.CertificateSignedRequest;
  ChangeAvailability: T.ChangeAvailabilityRequest;
  ChangeConfiguration: T.ChangeConfigurationRequest;
  ClearCache: T.ClearCacheRequest;
  ClearChargingProfile: T.ClearChargingProfileRequest;
  DataTransfer: T.DataTransferRequest;
  DeleteCertificate: T.DeleteCertificateRequest;
  DiagnosticsStatusNotification: T.DiagnosticsStatusNotificationRequest;
  ExtendedTriggerMessage: T.ExtendedTriggerMessageRequest;
  FirmwareStatusNotification: T.FirmwareStatusNotificationRequest;
  GetCompositeSchedule: T.GetCompositeScheduleRequest;
  GetConfiguration: T.GetConfigurationRequest;
  GetDiagnostics: T.GetDiagnosticsRequest;
  GetInstalledCertificateIds: T.GetInstalledCertificateIdsRequest;
  GetLocalListVersion: T.GetLocalListVersionRequest;
  GetLog: T.GetLogRequest;
  Heartbeat: T.HeartbeatRequest;
  InstallCertificate: T.InstallCertificateRequest;
  LogStatusNotification: T.LogStatusNotificationRequest;
  MeterValues: T.MeterValuesRequest;
  RemoteStartTransaction: T.RemoteStartTransactionRequest;
  RemoteStopTransaction: T.RemoteStopTransactionRequest;
  ReserveNow: T.ReserveNowRequest;
  Reset: T.ResetRequest;
  SecurityEventNotification: T.SecurityEventNotificationRequest;
  SendLocalList: T.SendLocalListRequest;
  SetChargingProfile: T.SetChargingProfileRequest;
  SignCertificate: T.SignCertificateRequest;
  SignedFirmwareStatusNotification: T.SignedFirmwareStatusNotificationRequest;
  SignedUpdateFirmware: T.SignedUpdateFirmwareRequest;
  StartTransaction: T.StartTransactionRequest;
  StatusNotification: T.StatusNotificationRequest;
  StopTransaction: T.StopTransactionRequest;
  TriggerMessage: T.TriggerMessageRequest;
  UnlockConnector: T.UnlockConnectorRequest;
  UpdateFirmware: T.UpdateFirmwareRequest;
}

export interface OcppResponseMap {
  Authorize: T.AuthorizeResponse;
  BootNotification: T.BootNotificationResponse;
  CancelReservation: T.CancelReservationResponse;
  CertificateSigned: T.CertificateSignedResponse;
  ChangeAvailability: T.ChangeAvailabilityResponse;
  ChangeConfiguration: T.ChangeConfigurationResponse;
  ClearCache: T.ClearCacheResponse;
  ClearChargingProfile: T.ClearChargingProfileResponse;
  DataTransfer: T.DataTransferResponse;
  DeleteCertificate: T.DeleteCertificateResponse;
  DiagnosticsStatusNotification: T.DiagnosticsStatusNotificationResponse;
  ExtendedTriggerMessage: T.ExtendedTriggerMessageResponse;
  FirmwareStatusNotification: T.FirmwareStatusNotificationResponse;
  GetCompositeSchedule: T.GetCompositeScheduleResponse;
  GetConfiguration: T.GetConfigurationResponse;
  GetDiagnostics: T.GetDiagnosticsResponse;
  GetInstalledCertificateIds: T.GetInstalledCertificateIdsResponse;
  GetLocalListVersion: T.GetLocalListVersionResponse;
  GetLog: T.GetLogResponse;
  Heartbeat: T.HeartbeatResponse;
  InstallCertificate: T.InstallCertificateResponse;
  LogStatusNotification: T.LogStatusNotificationResponse;
  MeterValues: T.MeterValuesResponse;
  RemoteStartTransaction: T.RemoteStartTransactionResponse;
  RemoteStopTransaction: T.RemoteStopTransactionResponse;
  ReserveNow: T.ReserveNowResponse;
  Reset: T.ResetResponse;
  SecurityEventNotification: T.SecurityEventNotificationResponse;
  SendLocalList: T.SendLocalListResponse;
  SetChargingProfile: T.SetChargingProfileResponse;
  SignCertificate: T.SignCertificateResponse;
  SignedFirmwareStatusNotification: T.SignedFirmwareStatusNotificationResponse;
  SignedUpdateFirmware: T.SignedUpdateFirmwareResponse;
  StartTransaction: T.StartTransactionResponse;
  StatusNotification: T.StatusNotificationResponse;
  StopTransaction: T.StopTransactionResponse;
  TriggerMessage: T.TriggerMessageResponse;
  UnlockConnector: T.UnlockConnectorResponse;
  UpdateFirmware: T.UpdateFirmwareResponse;
}

export type OcppRequestOf<A extends OcppAction> = OcppRequestMap[A];
export type OcppResponseOf<A extends OcppAction> = OcppResponseMap[A];
