export { GatewayModule } from './gateway.module.js';
export { GatewayService } from './gateway.service.js';
export { type GatewayOptions, gatewayOptionsFromConfig } from './gateway-options.js';
export { dedupId } from './routing/call-router.js';
export { DashboardModule } from './dashboard/dashboard.module.js';
export { authReadiness } from './auth-readiness.js';
export { gatewayProcess } from './gateway-process.js';
export { LiveEventsModule } from './events/live-events.module.js';
export { FleetModule } from './fleet/fleet.module.js';
