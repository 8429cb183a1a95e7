import type { DynamicModule, Type } from '@nestjs/common';
import type { AppConfig } from '#csms/config';
import type { ServiceDefinition } from '#csms/runtime';
import { authReadiness } from './auth-readiness.js';
import { DashboardModule } from './dashboard/dashboard.module.js';
import { LiveEventsModule } from './events/live-events.module.js';
import { FleetModule } from './fleet/fleet.module.js';
import { GatewayModule } from './gateway.module.js';
import { gatewayOptionsFromConfig } from './gateway-options.js';

/**
 * The gateway's part of a process that faces chargers and operators: apps/gateway on its own, apps/csms with every
 * service beside it. `others(config)` are what the app adds after the gateway's own module: the services (all-in-one)
 * and the services' API modules the gateway mounts (their `/api` entries).
 */
export function gatewayProcess(others: (config: AppConfig) => Array<Type | DynamicModule>): Pick<ServiceDefinition, 'openApi' | 'readiness' | 'modules'> {
  return {
    openApi: true,
    // Ready only when chargers can be accepted: every upgrade asks auth.
    readiness: (bus) => [authReadiness(bus)],
    modules: (config) => [
      GatewayModule.forRoot(gatewayOptionsFromConfig(config)),
      ...others(config),
      LiveEventsModule.forRoot(config.liveEvents),
      FleetModule,
      DashboardModule.forRoot(),
    ],
  };
}
