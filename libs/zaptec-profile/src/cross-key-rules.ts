import { refusal, RULES, type ConfigRefusal } from './refusal.js';
import { parseCsl, parseInteger } from './value-parsing.js';

/**
 * Rules that tie keys together. `candidate` holds the keys being set (a desired configuration, or one key);
 * `view` is what the charger will hold afterwards (reported values overlaid with the candidate). A refusal
 * lands on a key of the candidate, never on a merely reported one: a charger's current state is not refused.
 * Keys listed in `skip` already have their own refusal and get no second one.
 */
export function crossKeyRefusals(candidate: Record<string, string>, view: Record<string, string>, skip: ReadonlySet<string>): ConfigRefusal[] {
  const out: ConfigRefusal[] = [];
  const has = (k: string): boolean => Object.prototype.hasOwnProperty.call(candidate, k) && !skip.has(k);
  const firstOf = (...keys: string[]): string | undefined => keys.find(has);
  const push = (key: string | undefined, rule: Parameters<typeof refusal>[2], message: string): void => {
    if (key !== undefined) out.push(refusal(key, candidate[key] ?? null, rule, message));
  };

  // docs/reference/zaptec-facts.md#freecharging-and-freechargingidtag: FreeCharging starts transactions with
  // FreeChargingIdTag, so it needs one.
  if (view['FreeCharging'] === 'true' && (view['FreeChargingIdTag'] ?? '').trim() === '') {
    push(
      firstOf('FreeCharging', 'FreeChargingIdTag'),
      RULES.freeChargingIdTagRequired,
      'FreeCharging=true needs a non-empty FreeChargingIdTag: the charger puts that idTag in StartTransaction.',
    );
  }

  // docs/reference/zaptec-facts.md#lockcablepermanently: with LockCablePermanently=true,
  // UnlockConnectorOnEVSideDisconnect is false and read-only.
  if (candidate['UnlockConnectorOnEVSideDisconnect'] === 'true' && view['LockCablePermanently'] === 'true') {
    push(
      firstOf('UnlockConnectorOnEVSideDisconnect'),
      RULES.lockCableUnlockOnEvDisconnect,
      'UnlockConnectorOnEVSideDisconnect cannot be true while LockCablePermanently is true: the charger then holds it false and read-only.',
    );
  }

  // docs/reference/zaptec-facts.md#poweractiveimportdeltaforeagermetervaluesample: the eager sample watches
  // Power.Active.Import "related to MeterValuesSampledData".
  const delta = parseInteger(view['PowerActiveImportDeltaForEagerMeterValueSample'] ?? '');
  const sampled = view['MeterValuesSampledData'];
  if (delta !== undefined && delta > 0 && !(sampled !== undefined && parseCsl(sampled).includes('Power.Active.Import'))) {
    push(
      firstOf('PowerActiveImportDeltaForEagerMeterValueSample', 'MeterValuesSampledData'),
      RULES.eagerSampleNeedsPowerActiveImport,
      sampled === undefined
        ? `PowerActiveImportDeltaForEagerMeterValueSample=${delta} only works when MeterValuesSampledData contains Power.Active.Import, and this charger's MeterValuesSampledData is not known: set MeterValuesSampledData with Power.Active.Import too.`
        : `PowerActiveImportDeltaForEagerMeterValueSample=${delta} only works when MeterValuesSampledData contains Power.Active.Import; add Power.Active.Import to MeterValuesSampledData or set the delta to 0.`,
    );
  }

  // docs/reference/zaptec-facts.md#metering (Go 2): StopTransaction measurands not also sampled are missing;
  // docs/reference/design-decisions.md#boot-provisioning asks every
  // model's MeterValuesSampledData to include StopTxnSampledData.
  const stopItems = parseCsl(view['StopTxnSampledData'] ?? '');
  if (stopItems.length > 0) {
    const sampledItems = sampled === undefined ? undefined : parseCsl(sampled);
    const missing = sampledItems === undefined ? stopItems : stopItems.filter((m) => !sampledItems.includes(m));
    if (missing.length > 0) {
      push(
        firstOf('StopTxnSampledData', 'MeterValuesSampledData'),
        RULES.stopTxnSampledDataNotSampled,
        sampledItems === undefined
          ? `StopTxnSampledData needs its measurands in MeterValuesSampledData, which is not known for this charger: set MeterValuesSampledData too.`
          : `MeterValuesSampledData must include every measurand of StopTxnSampledData; missing: ${missing.join(', ')}.`,
      );
    }
  }
  return out;
}
