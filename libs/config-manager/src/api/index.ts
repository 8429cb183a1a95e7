/**
 * `#csms/config-manager/api`: the HTTP routes the gateway mounts (registry, queued commands, firmware campaigns, charging profiles, site limits,
 * desired configuration). They only ask config-manager over the bus, so importing this loads the controllers, their
 * DTOs and config-manager's verbs, not the service.
 */
export { RegistryApiModule } from './registry-api.module.js';
export { ConfigurationApiModule } from '../desired/api/configuration-api.module.js';
