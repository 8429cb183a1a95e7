// The action lists live here, in the lib's portable folder (no imports, no Node, no DOM), so the ops dashboard's
// browser build compiles this same file instead of keeping a copy (docs/CONVENTIONS-FOR-CONTRIBUTORS.md#portable-modules).

/** Charger -> CSMS actions (docs/reference/protocol-notes.md#messages-by-profile): Core, FirmwareManagement and the security extension. */
export const CHARGER_INITIATED_ACTIONS = [
  'Authorize',
  'BootNotification',
  'DataTransfer',
  'DiagnosticsStatusNotification',
  'FirmwareStatusNotification',
  'Heartbeat',
  'LogStatusNotification',
  'MeterValues',
  'SecurityEventNotification',
  'SignCertificate',
  'SignedFirmwareStatusNotification',
  'StartTransaction',
  'StatusNotification',
  'StopTransaction',
] as const;

/** CSMS -> charger actions (docs/reference/protocol-notes.md#messages-by-profile). DataTransfer may be sent by either side. */
export const CSMS_INITIATED_ACTIONS = [
  'CancelReservation',
  'CertificateSigned',
  'ChangeAvailability',
  'ChangeConfiguration',
  'ClearCache',
  'ClearChargingProfile',
  'DataTransfer',
  'DeleteCertificate',
  'ExtendedTriggerMessage',
  'GetCompositeSchedule',
  'GetConfiguration',
  'GetDiagnostics',
  'GetInstalledCertificateIds',
  'GetLocalListVersion',
  'GetLog',
  'InstallCertificate',
  'RemoteStartTransaction',
  'RemoteStopTransaction',
  'ReserveNow',
  'Reset',
  'SendLocalList',
  'SetChargingProfile',
  'SignedUpdateFirmware',
  'TriggerMessage',
  'UnlockConnector',
  'UpdateFirmware',
] as const;
