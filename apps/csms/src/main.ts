import { AUTH_ENTITIES, AUTH_MIGRATIONS, AuthApiModule, AuthModule, authOptionsFromConfig } from '#csms/auth';
import { CONFIG_MANAGER_ENTITIES, CONFIG_MANAGER_MIGRATIONS, ConfigManagerModule, ConfigurationApiModule, RegistryApiModule } from '#csms/config-manager';
import { DashboardModule, GatewayModule, FleetModule, LiveEventsModule, authReadiness, gatewayOptionsFromConfig } from '#csms/gateway';
import { METERING_ENTITIES, METERING_MIGRATIONS, MeteringApiModule, MeteringModule } from '#csms/metering';
import { main } from '#csms/runtime';

// Every service in one process: the in-process bus and embedded PGlite unless NATS_URL / DATABASE_URL
// say otherwise. The same handlers run here as in the separate services.
main({
  name: 'csms',
  needsDatabase: true,
  allowInProcessBus: true,
  openApi: true,
  // Ready only when chargers can be accepted: every upgrade asks auth.
  readiness: (bus) => [authReadiness(bus)],
  entities: [...AUTH_ENTITIES, ...CONFIG_MANAGER_ENTITIES, ...METERING_ENTITIES],
  migrations: [...AUTH_MIGRATIONS, ...CONFIG_MANAGER_MIGRATIONS, ...METERING_MIGRATIONS],
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
