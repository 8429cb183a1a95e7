import { ConfigBootLog } from './config-boot-log.entity.js';
import { ConfigCharger } from './config-charger.entity.js';

export { ConfigCharger, ConfigBootLog };

/** Registration and registry tables. The desired-state part adds its own list beside this one. */
export const REGISTRY_ENTITIES = [ConfigCharger, ConfigBootLog];
