import type { FeatureProfile } from './keys/types.js';

export type ActionDirection = 'toChargePoint' | 'toCentralSystem' | 'both';

export interface ActionDefinition {
  profile: FeatureProfile;
  direction: ActionDirection;
}

const cs = (profile: FeatureProfile): ActionDefinition => ({ profile, direction: 'toCentralSystem' });
const cp = (profile: FeatureProfile): ActionDefinition => ({ profile, direction: 'toChargePoint' });

/**
 * The 39 OCPP 1.6J actions by feature profile (docs/reference/protocol-notes.md#messages-by-profile; 'Security' = the
 * security whitepaper).
 */
export const ACTIONS: Readonly<Record<string, ActionDefinition>> = {
  Authorize: cs('Core'),
  BootNotification: cs('Core'),
  Heartbeat: cs('Core'),
  MeterValues: cs('Core'),
  StartTransaction: cs('Core'),
  StatusNotification: cs('Core'),
  StopTransaction: cs('Core'),
  DataTransfer: { profile: 'Core', direction: 'both' },
  ChangeAvailability: cp('Core'),
  ChangeConfiguration: cp('Core'),
  ClearCache: cp('Core'),
  GetConfiguration: cp('Core'),
  RemoteStartTransaction: cp('Core'),
  RemoteStopTransaction: cp('Core'),
  Reset: cp('Core'),
  UnlockConnector: cp('Core'),
  GetDiagnostics: cp('FirmwareManagement'),
  UpdateFirmware: cp('FirmwareManagement'),
  DiagnosticsStatusNotification: cs('FirmwareManagement'),
  FirmwareStatusNotification: cs('FirmwareManagement'),
  GetLocalListVersion: cp('LocalAuthListManagement'),
  SendLocalList: cp('LocalAuthListManagement'),
  ReserveNow: cp('Reservation'),
  CancelReservation: cp('Reservation'),
  SetChargingProfile: cp('SmartCharging'),
  ClearChargingProfile: cp('SmartCharging'),
  GetCompositeSchedule: cp('SmartCharging'),
  TriggerMessage: cp('RemoteTrigger'),
  SecurityEventNotification: cs('Security'),
  SignCertificate: cs('Security'),
  LogStatusNotification: cs('Security'),
  SignedFirmwareStatusNotification: cs('Security'),
  CertificateSigned: cp('Security'),
  InstallCertificate: cp('Security'),
  DeleteCertificate: cp('Security'),
  GetInstalledCertificateIds: cp('Security'),
  ExtendedTriggerMessage: cp('Security'),
  GetLog: cp('Security'),
  SignedUpdateFirmware: cp('Security'),
};
