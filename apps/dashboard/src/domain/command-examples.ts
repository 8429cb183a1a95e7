/**
 * The commands an operator can send (OCPP 1.6 CSMS -> charger actions, with the security extension) and
 * a valid request payload for each, to prefill the payload editor. command-examples.spec.ts checks that
 * every example passes the 1.6 JSON schemas.
 */
import { CSMS_INITIATED_ACTIONS } from '#csms/ocpp/portable';

/** The protocol lib's own list (docs/CONVENTIONS-FOR-CONTRIBUTORS.md#portable-modules), in its order. */
export const COMMAND_ACTIONS = CSMS_INITIATED_ACTIONS;

export type CommandAction = (typeof COMMAND_ACTIONS)[number];

/** What the page knows about the charger, so an example names its own connector or open transaction. */
export interface ExampleContext {
  now: Date;
  connectorId?: number;
  transactionId?: number;
}

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB...paste the PEM here...\n-----END CERTIFICATE-----';

/** The commands the model supports, in the protocol's order: every action minus the model's unsupported ones. */
export function supportedCommands(unsupportedActions: readonly string[]): CommandAction[] {
  return COMMAND_ACTIONS.filter((a) => !unsupportedActions.includes(a));
}

export function exampleOf(action: CommandAction, ctx: ExampleContext): Record<string, unknown> {
  const connectorId = ctx.connectorId ?? 1;
  const inAnHour = new Date(ctx.now.getTime() + 3_600_000).toISOString();
  const now = ctx.now.toISOString();
  switch (action) {
    case 'CancelReservation':
      return { reservationId: 1 };
    case 'CertificateSigned':
      return { certificateChain: PEM };
    case 'ChangeAvailability':
      return { connectorId, type: 'Operative' };
    case 'ChangeConfiguration':
      return { key: 'HeartbeatInterval', value: '900' };
    case 'ClearCache':
      return {};
    case 'ClearChargingProfile':
      return { connectorId, chargingProfilePurpose: 'TxProfile' };
    case 'DataTransfer':
      return { vendorId: 'com.example', messageId: 'ping', data: '' };
    case 'DeleteCertificate':
      return { certificateHashData: { hashAlgorithm: 'SHA256', issuerNameHash: '0123456789abcdef', issuerKeyHash: 'fedcba9876543210', serialNumber: '01' } };
    case 'ExtendedTriggerMessage':
      return { requestedMessage: 'StatusNotification', connectorId };
    case 'GetCompositeSchedule':
      return { connectorId, duration: 3600, chargingRateUnit: 'A' };
    case 'GetConfiguration':
      return { key: ['HeartbeatInterval'] };
    case 'GetDiagnostics':
      return { location: 'ftp://diagnostics.example.com/upload/' };
    case 'GetInstalledCertificateIds':
      return { certificateType: 'CentralSystemRootCertificate' };
    case 'GetLocalListVersion':
      return {};
    case 'GetLog':
      return { logType: 'DiagnosticsLog', requestId: 1, log: { remoteLocation: 'https://logs.example.com/upload' } };
    case 'InstallCertificate':
      return { certificateType: 'CentralSystemRootCertificate', certificate: PEM };
    case 'RemoteStartTransaction':
      return { connectorId, idTag: 'OPERATOR' };
    case 'RemoteStopTransaction':
      return { transactionId: ctx.transactionId ?? 1 };
    case 'ReserveNow':
      return { connectorId, expiryDate: inAnHour, idTag: 'OPERATOR', reservationId: 1 };
    case 'Reset':
      return { type: 'Soft' };
    case 'SendLocalList':
      return { listVersion: 1, updateType: 'Differential', localAuthorizationList: [{ idTag: 'OPERATOR', idTagInfo: { status: 'Accepted' } }] };
    case 'SetChargingProfile':
      return {
        connectorId,
        csChargingProfiles: {
          chargingProfileId: 1,
          stackLevel: 0,
          chargingProfilePurpose: 'TxDefaultProfile',
          chargingProfileKind: 'Relative',
          chargingSchedule: { chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 16 }] },
        },
      };
    case 'SignedUpdateFirmware':
      return {
        requestId: 1,
        firmware: { location: 'https://firmware.example.com/firmware.bin', retrieveDateTime: now, signingCertificate: PEM, signature: 'c2lnbmF0dXJl' },
      };
    case 'TriggerMessage':
      return { requestedMessage: 'StatusNotification', connectorId };
    case 'UnlockConnector':
      return { connectorId };
    case 'UpdateFirmware':
      return { location: 'https://firmware.example.com/firmware.bin', retrieveDate: now };
  }
}
