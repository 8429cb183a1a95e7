export { ENV_SPEC, type EnvVarSpec, type EnvKind } from './env-spec.js';
export { loadEnv, EnvConfigError, type EnvValue } from './load-env.js';
export { loadAppConfig, type AppConfig, type NatsClientConfig } from './app-config.js';
