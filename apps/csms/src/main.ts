import { AuthApiModule, AuthModule, authOptionsFromConfig } from '#csms/auth';
import { ConfigManagerModule, ConfigurationApiModule, RegistryApiModule } from '#csms/config-manager';
import { DashboardModule, GatewayModule, FleetModule, LiveEventsModule, authReadiness, gatewayOptionsFromConfig } from '#csms/gateway';
import { MeteringApiModule, MeteringModule } from '#csms/metering';
import { main } from '#csms/runtime';
import { ALL_MIGRATIONS } from './schema.js';

// Every service in one process: the in-process bus and embedded PGlite unless NATS_URL / DATABASE_URL
// say otherwise. The same handlers run here as in the separate services.
main({
  name: 'csms',
  needsDatabase: true,
  allowInProcessBus: true,
  openApi: true,
  // Ready only when chargers can be accepted: every upgrade asks auth.
  readiness: (bus) => [authReadiness(bus)],
  migrations: ALL_MIGRATIONS,
  modules: (config) => [
    GatewayModule.forRoot(gatewayOptionsFromConfig(config)),
    AuthModule.forRoot(authOptionsFromConfig(config)),
    ConfigManagerModule.forRoot({ heartbeatIntervalS: config.heartbeatIntervalS, provisionalChargerTtlS: config.provisionalChargerTtlS }),
    MeteringModule.forRoot({ meterValuesRetentionDays: config.meterValuesRetentionDays }),
    RegistryApiModule,
    ConfigurationApiModule,
    AuthApiModule,
    MeteringApiModule,
    LiveEventsModule.forRoot(config.liveEvents),
    FleetModule,
    DashboardModule.forRoot(),
  ],
});
