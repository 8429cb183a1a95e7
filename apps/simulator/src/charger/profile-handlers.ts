// Handlers for the optional OCPP 1.6 profiles and the security extension, per model preset.
import type { CallHandler } from '../ocpp-rpc.js';
import { createRPCError } from '../rpc.js';
import type { ChargerPort } from './charger-port.js';

type On = (method: string, handler: CallHandler) => void;

export function registerProfileHandlers(on: On, c: ChargerPort): void {
  const has = (profile: string): boolean => c.keys.getList('SupportedFeatureProfiles').includes(profile);

  // SmartCharging (box-level: the CSMS is the only load manager, docs/reference/zaptec-facts.md#smart-charging-firmware-and-diagnostics).
  on('SetChargingProfile', ({ params }) => {
    if (!has('SmartCharging')) return { status: 'NotSupported' };
    return { status: c.applyChargingProfile(Number(params.connectorId), params.csChargingProfiles as Record<string, unknown>) };
  });
  on('ClearChargingProfile', ({ params }) => {
    if (!has('SmartCharging')) return { status: 'Unknown' };
    const status = c.chargingProfiles.clear({
      id: params.id as number | undefined,
      connectorId: params.connectorId as number | undefined,
      purpose: params.chargingProfilePurpose as string | undefined,
      stackLevel: params.stackLevel as number | undefined,
    });
    c.refreshChargingLimit();
    return { status };
  });
  on('GetCompositeSchedule', ({ params }) => {
    if (!has('SmartCharging') || (params.connectorId !== 0 && params.connectorId !== 1)) return { status: 'Rejected' };
    const unit = params.chargingRateUnit === 'W' ? 'W' : 'A';
    const duration = Number(params.duration);
    const now = c.clock.now();
    const periods = c.chargingProfiles.composite(now, duration, c.preset.phases, c.transactions.active !== undefined, unit);
    if (periods === undefined) return { status: 'Rejected' };
    return {
      status: 'Accepted',
      connectorId: params.connectorId,
      scheduleStart: new Date(now).toISOString(),
      chargingSchedule: { duration, startSchedule: new Date(now).toISOString(), chargingRateUnit: unit, chargingSchedulePeriod: periods },
    };
  });

  // Reservation: the Pro has it (LED does not show it; docs/reference/zaptec-facts.md#capabilities-per-model); a model
  // without it in SupportedFeatureProfiles answers Rejected (reservation.ts).
  on('ReserveNow', ({ params }) => ({ status: c.reservation.reserve(params) }));
  on('CancelReservation', ({ params }) => ({ status: c.reservation.cancel(params.reservationId) }));

  // LocalAuthListManagement is not in any preset's SupportedFeatureProfiles.
  on('SendLocalList', () => ({ status: 'NotSupported' }));
  on('GetLocalListVersion', () => {
    throw createRPCError('NotSupported', 'LocalAuthListManagement is not supported');
  });

  // Security extension: only Basic Auth (profile 1) keys exist on these chargers
  // (docs/reference/zaptec-facts.md#security); no PKI, no log upload.
  on('CertificateSigned', () => ({ status: 'Rejected' }));
  on('InstallCertificate', () => ({ status: 'Rejected' }));
  on('DeleteCertificate', () => ({ status: 'NotFound' }));
  on('GetInstalledCertificateIds', () => ({ status: 'NotFound' }));
  on('GetLog', () => ({ status: 'Rejected' }));
  // Only a charger simulated with the security extension has the certificate store to check a signed firmware.
  on('SignedUpdateFirmware', ({ params }) => {
    if (!c.options.securityExtension) return { status: 'Rejected' };
    const firmware = (params as { firmware?: Record<string, unknown> }).firmware ?? {};
    const cert = typeof firmware.signingCertificate === 'string' ? firmware.signingCertificate : '';
    if (!/-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----/.test(cert)) return { status: 'InvalidCertificate' };
    const requestId = (params as { requestId?: unknown }).requestId;
    c.firmware.startSigned(typeof requestId === 'number' ? requestId : 0, {
      location: String(firmware.location ?? ''),
      retrieveDateTime: String(firmware.retrieveDateTime ?? ''),
      installDateTime: typeof firmware.installDateTime === 'string' ? firmware.installDateTime : undefined,
    });
    return { status: 'Accepted' };
  });
}
