import { AuthModule, authOptionsFromConfig } from '#csms/auth';
import { AuthApiModule } from '#csms/auth/api';
import { ConfigManagerModule } from '#csms/config-manager';
import { ConfigurationApiModule, RegistryApiModule } from '#csms/config-manager/api';
import { gatewayProcess } from '#csms/gateway';
import { MeteringModule } from '#csms/metering';
import { MeteringApiModule } from '#csms/metering/api';
import { main } from '#csms/runtime';
import { ALL_MIGRATIONS } from './schema.js';

// Every service in one process: the in-process bus and embedded PGlite unless NATS_URL / DATABASE_URL say
// otherwise (main.ts starts opening the embedded database, then loads this file). The same handlers run here as
// in the separate services, and the same gateway as apps/gateway.
main({
  name: 'csms',
  needsDatabase: true,
  allowInProcessBus: true,
  migrations: ALL_MIGRATIONS,
  ...gatewayProcess((config) => [
    AuthModule.forRoot(authOptionsFromConfig(config)),
    ConfigManagerModule.forRoot({ heartbeatIntervalS: config.heartbeatIntervalS, provisionalChargerTtlS: config.provisionalChargerTtlS }),
    MeteringModule.forRoot({ meterValuesRetentionDays: config.meterValuesRetentionDays }),
    RegistryApiModule,
    ConfigurationApiModule,
    AuthApiModule,
    MeteringApiModule,
  ]),
});
