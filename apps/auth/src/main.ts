import { AUTH_ENTITIES, AUTH_MIGRATIONS, AuthModule, authOptionsFromConfig } from '#csms/auth';
import { main } from '#csms/runtime';

main({
  name: 'auth',
  needsDatabase: true,
  allowInProcessBus: false,
  openApi: false,
  entities: AUTH_ENTITIES,
  migrations: AUTH_MIGRATIONS,
  modules: (config) => [AuthModule.forRoot(authOptionsFromConfig(config))],
});
