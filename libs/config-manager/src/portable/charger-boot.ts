// A charger's last BootNotification as the registry answers it, in the lib's portable folder (type only, no
// imports) so the ops dashboard reads the server's own shape (docs/CONVENTIONS-FOR-CONTRIBUTORS.md#portable-modules).

/** BootNotification.conf's status (OCPP 1.6 §6.5); charger-summary.ts checks it is the protocol's type. */
export type BootStatus = 'Accepted' | 'Pending' | 'Rejected';

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
  /** What we answered. */
  status: BootStatus | null;
}
