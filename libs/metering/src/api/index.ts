/**
 * `#csms/metering/api`: the HTTP routes the gateway mounts. They only ask metering over the bus, so importing this
 * loads the controller, its DTOs and metering's verbs, not the service.
 */
export { MeteringApiModule } from './metering-api.module.js';
