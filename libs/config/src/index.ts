export { ENV_SPEC, type EnvVarSpec, type EnvKind } from './env-spec.js';
export { loadEnv, EnvConfigError, type EnvValue } from './load-env.js';
export {
  loadAppConfig,
  checkApiAccessForProduction,
  MIN_ADMIN_TOKEN_LENGTH,
  type AppConfig,
  type NatsClientConfig,
  type ApiAccessConfig,
  type ApiAuthMode,
  type TracingConfig,
} from './app-config.js';
