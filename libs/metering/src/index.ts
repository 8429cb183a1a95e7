export { MeteringModule, MeteringRetention } from './metering.module.js';
export { MeteringApiModule } from './api/metering-api.module.js';
export { METERING_ENTITIES } from './entities/index.js';
export { METERING_MIGRATIONS } from './migrations/index.js';
export { METERING_OPTIONS, DEFAULT_METERING_OPTIONS, type MeteringOptions } from './metering-options.js';
export { TransactionsService, type StopEvent, type StopOutcome } from './transactions.service.js';
export { ReadingsService, type ChargerEvent, type ChargerSettingsInput } from './readings.service.js';
export { QueryService } from './query.service.js';
export { classifySamples, classifySample, type EagerSettings, type SampleState, type PeriodicSample, type SampleVerdict } from './eager-samples.js';
export { computeEnergy, INT32_MAX, type EnergyInput, type EnergyResult } from './energy.js';
export type {
  Page,
  TransactionListQuery,
  ChargerMeterValuesQuery,
  TransactionView,
  MeterValueView,
  ConnectorStatusView,
  SetChargerSettingsBody,
} from './views.js';
