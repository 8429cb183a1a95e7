import { CHARGER_MODELS, capabilitiesOf, detectModel, parseCsl, type ChargerModel } from '#csms/zaptec-profile';

export type { ChargerModel };
export type ModelCapabilities = ReturnType<typeof capabilitiesOf>;

/** Every model an operator may set as override. */
export { CHARGER_MODELS };

export function isChargerModel(value: unknown): value is ChargerModel {
  return typeof value === 'string' && (CHARGER_MODELS as readonly string[]).includes(value);
}

/** What model detection looks at (docs/reference/design-decisions.md#zaptec-chargers): identity, vendor, model, serial, firmware. */
export interface ModelEvidence {
  chargerId: string;
  chargePointVendor?: string | null;
  chargePointModel?: string | null;
  chargePointSerialNumber?: string | null;
  firmwareVersion?: string | null;
}

/** The one place this lib calls the profile's detection, so its signature is adapted here only. */
export function detectChargerModel(evidence: ModelEvidence): ChargerModel {
  return detectModel({
    identity: evidence.chargerId,
    chargePointVendor: evidence.chargePointVendor ?? undefined,
    chargePointModel: evidence.chargePointModel ?? undefined,
    chargePointSerialNumber: evidence.chargePointSerialNumber ?? undefined,
    firmwareVersion: evidence.firmwareVersion ?? undefined,
  });
}

/**
 * The model's capability matrix, narrowed by the charger's reported SupportedFeatureProfiles when there is one
 * (libs/zaptec-profile capabilitiesOf: a profile the charger does not list removes its actions, so the command and
 * reservation APIs refuse them before anything is sent).
 */
export function capabilitiesOfModel(model: ChargerModel, supportedFeatureProfiles?: string | null): ModelCapabilities {
  return capabilitiesOf(model, supportedFeatureProfiles == null ? undefined : parseCsl(supportedFeatureProfiles));
}
