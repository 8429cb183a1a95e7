// What the apps use to run auth. Other services reach it over the bus (`#csms/auth/verbs`); the gateway mounts its
// routes from `#csms/auth/api`.
export { AuthModule } from './auth.module.js';
export { AuthApiModule } from './api/index.js';
export { AUTH_TABLES } from './tables.js';
export { AUTH_MIGRATIONS } from './migrations/index.js';
export { authOptionsFromConfig, type AuthOptions } from './auth-options.js';
