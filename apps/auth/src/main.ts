import { AUTH_MIGRATIONS, AuthModule, authOptionsFromConfig } from '#csms/auth';
import { main } from '#csms/runtime';

main({
  name: 'auth',
  needsDatabase: true,
  allowInProcessBus: false,
  openApi: false,
  migrations: AUTH_MIGRATIONS,
  modules: (config) => [AuthModule.forRoot(authOptionsFromConfig(config))],
});
