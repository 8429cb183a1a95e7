import { AuthApiModule } from '#csms/auth/api';
import { ConfigurationApiModule, RegistryApiModule } from '#csms/config-manager/api';
import { gatewayProcess } from '#csms/gateway';
import { MeteringApiModule } from '#csms/metering/api';
import { main } from '#csms/runtime';

// The gateway: charger sockets and the operator API. It holds no state of its own (no database):
// every API question goes to the owning service over NATS.
main({
  name: 'gateway',
  needsDatabase: false,
  allowInProcessBus: false,
  migrations: [],
  ...gatewayProcess(() => [RegistryApiModule, ConfigurationApiModule, AuthApiModule, MeteringApiModule]),
});
