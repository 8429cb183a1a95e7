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

/**
 * CSMS -> charger actions that only read: answering them changes nothing on the charger and starts nothing (a
 * report of its configuration, its local list version, its composite schedule, its installed certificates).
 * Running one twice costs a second answer and nothing else, so at-most-once delivery does not have to remember
 * their outcomes after they settled.
 */
export const READ_ONLY_ACTIONS = ['GetCompositeSchedule', 'GetConfiguration', 'GetInstalledCertificateIds', 'GetLocalListVersion'] as const;
