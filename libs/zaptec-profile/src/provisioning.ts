import { CHARGER_MODELS, isZaptec, type ChargerModel } from './models.js';

/**
 * Billing defaults of the Zaptec models, applied after every BootNotification of a Zaptec charger
 * (docs/reference/design-decisions.md#boot-provisioning).
 * They live at the Zaptec models' level of the desired configuration, never at the fleet level
 * (docs/reference/design-decisions.md#boot-provisioning): they
 * correct Zaptec's factory values, and a generic charger receives only what its operator set. Zaptec ships
 * HeartbeatInterval 86400 and MeterValueSampleInterval 0 (docs/reference/zaptec-facts.md#factory-configuration), which loses billing data:
 * - HeartbeatInterval 900: liveness comes from WebSocket pings (CSMS side, 60 s), so the heartbeat only needs
 *   to keep the charger's clock in step (docs/reference/protocol-notes.md#liveness) and give a fallback sign of life through proxies that
 *   answer pings themselves; every 15 min costs ~100 small frames a day per charger.
 * - MeterValueSampleInterval 60: the sampled register stream is the primary energy record, because Go 2 thins
 *   StopTransaction data and meterStart/meterStop can be implausible (docs/reference/design-decisions.md#metering); one reading a minute
 *   bounds the energy lost to a missing stop at one minute of charging.
 * - MeterValuesSampledData: the register for billing, Power.Active.Import so the eager sample
 *   (PowerActiveImportDeltaForEagerMeterValueSample) can be turned on, current and voltage for diagnosis and
 *   smart-charging checks.
 * - ClockAlignedDataInterval 900 + MeterValuesAlignedData register: quarter-hour readings at fixed clock times
 *   (tariff and grid intervals are quarter-hours), also outside transactions. Without MeterValuesAlignedData
 *   the aligned interval would send nothing useful.
 * - StopTxnSampledData register only: kept inside MeterValuesSampledData (Go 2 drops it otherwise) and small.
 * WebSocketPingInterval (the charger's own pings) is left alone: the CSMS pings, and Zaptec's handling of it
 * is not documented.
 */
export const ZAPTEC_BILLING_DEFAULTS: Readonly<Record<string, string>> = Object.freeze({
  HeartbeatInterval: '900',
  MeterValueSampleInterval: '60',
  MeterValuesSampledData: 'Energy.Active.Import.Register,Power.Active.Import,Current.Import,Voltage',
  ClockAlignedDataInterval: '900',
  MeterValuesAlignedData: 'Energy.Active.Import.Register',
  StopTxnSampledData: 'Energy.Active.Import.Register',
});

/** The models whose desired-configuration level starts with ZAPTEC_BILLING_DEFAULTS: every Zaptec model. */
export const MODELS_WITH_BILLING_DEFAULTS: readonly ChargerModel[] = CHARGER_MODELS.filter(isZaptec);

/** What a model's level of the desired configuration starts with: the billing defaults for Zaptec, nothing else. */
export function billingDefaultsOf(model: ChargerModel): Readonly<Record<string, string>> {
  return isZaptec(model) ? ZAPTEC_BILLING_DEFAULTS : {};
}

/**
 * The values a model reports out of the box, where docs/reference/zaptec-facts.md#factory-configuration knows them (for
 * simulator presets and for
 * reading a charger's state before its first GetConfiguration). Keys not listed are unknown.
 */
export function factoryDefaultsOf(model: ChargerModel): Record<string, string> {
  const common = { NumberOfConnectors: '1', UnlockConnectorOnEVSideDisconnect: 'true' };
  switch (model) {
    case 'zaptec-go':
    case 'zaptec-go2':
    case 'zaptec-unknown':
      return { ...common, HeartbeatInterval: '86400', MeterValueSampleInterval: '0', UseAuthorizationKeyWithoutDecoding: 'false' };
    case 'zaptec-pro':
      return {
        ...common,
        HeartbeatInterval: '86400',
        ConnectionTimeOut: '30',
        StopTransactionOnEVSideDisconnect: 'true',
        LocalAuthorizeOffline: 'true',
        LocalPreAuthorize: 'true',
        UseAuthorizationKeyWithoutDecoding: 'false',
      };
    case 'generic':
      return {};
  }
}
