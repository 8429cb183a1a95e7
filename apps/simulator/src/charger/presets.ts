// Per-model presets (docs/reference/zaptec-facts.md#what-a-faithful-simulator-does).
// Values marked UNCERTAIN are not documented by Zaptec in what could be read; they are choices, overridable
// through KeyStore overrides (CLI --set KEY=VALUE).

export type ModelId = 'go' | 'go2' | 'pro';

export interface ModelPreset {
  id: ModelId;
  /** BootNotification chargePointModel. */
  model: string;
  vendor: 'Zaptec';
  firmwareVersion: string;
  /** Feature profiles reported in SupportedFeatureProfiles (R). */
  featureProfiles: string[];
  /** Go/Go 2 have FreeCharging + FreeChargingIdTag; the Pro lacks them (docs/reference/zaptec-facts.md#capabilities-per-model). */
  hasFreeCharging: boolean;
  /**
   * Pro (EVerest/libocpp) has no GetDiagnostics (docs/reference/zaptec-facts.md#capabilities-per-model): it answers a
   * CALLERROR NotImplemented.
   */
  supportsGetDiagnostics: boolean;
  /**
   * StopTransactionOnInvalidId behaves as true whatever its value (Go 2,
   * docs/reference/zaptec-facts.md#transactions-and-authorization; assumed for all).
   */
  stopOnInvalidIdAlways: boolean;
  /** Default MeterValueSampleInterval: 0 on Go and Go 2; Pro UNCERTAIN (docs/reference/zaptec-facts.md#factory-configuration). */
  meterValueSampleInterval: number;
  /** Phases drawn when charging (current per phase = P / (phases * 230 V)). */
  phases: 1 | 3;
  maxCurrentA: number;
}

/** The Go; the Go 2 behaves the same as far as this simulator goes, with its own firmware line. */
const GO: ModelPreset = {
  id: 'go',
  model: 'Go',
  vendor: 'Zaptec',
  firmwareVersion: '2.4.2.4',
  // UNCERTAIN beyond Core; Smart Charging is said to be supported in box-level mode
  // (docs/reference/zaptec-facts.md#capabilities-per-model).
  featureProfiles: ['Core', 'FirmwareManagement', 'SmartCharging', 'RemoteTrigger'],
  hasFreeCharging: true,
  supportsGetDiagnostics: true,
  stopOnInvalidIdAlways: true,
  meterValueSampleInterval: 0,
  phases: 3,
  maxCurrentA: 32,
};

export const PRESETS: Readonly<Record<ModelId, ModelPreset>> = {
  go: GO,
  go2: { ...GO, id: 'go2', model: 'Go 2', firmwareVersion: '3.2.1.0' },
  pro: {
    id: 'pro',
    model: 'Pro',
    vendor: 'Zaptec',
    firmwareVersion: '7.5.4.0',
    // Reservation exists on the Pro (LED does not show it; docs/reference/zaptec-facts.md#capabilities-per-model).
    featureProfiles: ['Core', 'FirmwareManagement', 'SmartCharging', 'RemoteTrigger', 'Reservation'],
    hasFreeCharging: false,
    supportsGetDiagnostics: false,
    stopOnInvalidIdAlways: true,
    // UNCERTAIN: Pro sampling default not documented; libocpp's example config samples every 60 s.
    meterValueSampleInterval: 60,
    phases: 3,
    maxCurrentA: 32,
  },
};

export function presetFor(id: string): ModelPreset {
  const p = (PRESETS as Record<string, ModelPreset | undefined>)[id];
  if (!p) throw new Error(`unknown model '${id}' (expected go, go2 or pro)`);
  return p;
}

/** Measurands this simulated meter can produce; a list naming anything else is Rejected as a whole. */
export const SUPPORTED_MEASURANDS = ['Energy.Active.Import.Register', 'Power.Active.Import', 'Current.Import', 'Current.Offered', 'Voltage'] as const;
export type Measurand = (typeof SUPPORTED_MEASURANDS)[number];
