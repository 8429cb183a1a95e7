import { AuthApiModule } from '#csms/auth/api';
import { ConfigurationApiModule, RegistryApiModule } from '#csms/config-manager/api';
import { DashboardModule, GatewayModule, FleetModule, LiveEventsModule, authReadiness, gatewayOptionsFromConfig } from '#csms/gateway';
import { MeteringApiModule } from '#csms/metering/api';
import { main } from '#csms/runtime';

// The gateway: charger sockets and the operator API. It holds no state of its own (no database):
// every API question goes to the owning service over NATS.
main({
  name: 'gateway',
  needsDatabase: false,
  allowInProcessBus: false,
  openApi: true,
  // Ready only when chargers can be accepted: every upgrade asks auth.
  readiness: (bus) => [authReadiness(bus)],
  migrations: [],
  modules: (config) => [
    GatewayModule.forRoot(gatewayOptionsFromConfig(config)),
    RegistryApiModule,
    ConfigurationApiModule,
    AuthApiModule,
    MeteringApiModule,
    LiveEventsModule.forRoot(config.liveEvents),
    FleetModule,
    DashboardModule.forRoot(),
  ],
});
