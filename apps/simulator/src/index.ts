// Library entry of the simulator, for end-to-end tests that drive simulated chargers in-process.
export { SimulatedCharger, type SimulatedChargerOptions, type ChargerState, type SentMessage } from './charger/simulated-charger.js';
export { KeyStore, KeyStoreError, type ChangeResult, type ChangeStatus, type GetConfigurationResult, type KeyStoreOptions } from './charger/key-store.js';
export { PRESETS, presetFor, SUPPORTED_MEASURANDS, type ModelId, type ModelPreset, type Measurand } from './charger/presets.js';
export { keyDefinitionsFor, ZAPTEC_KEYS, type KeyDefinition } from './charger/key-definitions.js';
export { passwordFromAuthorizationKey } from './charger/authorization-key.js';
export { thinTransactionData, EagerSampleRule, perMeasurandEntries, powerAt, type PowerStep, type MeterValue, type SampledValue } from './charger/metering.js';
export { TransactionMessageQueue, type QueuedMessage } from './charger/tx-queue.js';
export { NO_FAULTS, type Faults } from './charger/faults.js';
export { faultHits, versionFromLocation, type FirmwareStatus } from './charger/firmware.js';
export { ChargerStats, type StatsSnapshot } from './charger/stats.js';
export type { ConnectorStatus, StopReason } from './charger/transactions.js';
export { ManualClock, RealClock, type Clock, type TimerHandle } from './clock.js';
export { runScenario, parseScenario, type Scenario, type ScenarioStep } from './scenario.js';
