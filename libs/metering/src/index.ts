// What the apps use to run metering. Other services reach it over the bus (`#csms/metering/verbs`); the gateway
// mounts its routes from `#csms/metering/api`.
export { MeteringModule } from './metering.module.js';
export { MeteringApiModule } from './api/index.js';
export { METERING_TABLES } from './tables.js';
export { METERING_MIGRATIONS } from './migrations/index.js';
export type { MeteringOptions } from './metering-options.js';
