import { MeteringConnectorStatus, MeteringChargerSettings } from './connector-status.entity.js';
import { MeteringMeterValue } from './meter-value.entity.js';
import { MeteringDuplicateStop, MeteringOrphanStop } from './stops.entity.js';
import { MeteringTransaction } from './transaction.entity.js';

export { MeteringConnectorStatus, MeteringChargerSettings, MeteringMeterValue, MeteringDuplicateStop, MeteringOrphanStop, MeteringTransaction };

export const METERING_ENTITIES = [
  MeteringTransaction,
  MeteringOrphanStop,
  MeteringDuplicateStop,
  MeteringMeterValue,
  MeteringConnectorStatus,
  MeteringChargerSettings,
];
