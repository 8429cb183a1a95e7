import { CONFIG_MANAGER_MIGRATIONS, ConfigManagerModule } from '#csms/config-manager';
import { main } from '#csms/runtime';

main({
  name: 'config-manager',
  needsDatabase: true,
  allowInProcessBus: false,
  openApi: false,
  migrations: CONFIG_MANAGER_MIGRATIONS,
  modules: (config) => [ConfigManagerModule.forRoot({ heartbeatIntervalS: config.heartbeatIntervalS, provisionalChargerTtlS: config.provisionalChargerTtlS })],
});
