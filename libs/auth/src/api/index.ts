/**
 * `#csms/auth/api`: the HTTP routes the gateway mounts. They only ask auth over the bus, so importing this loads
 * the controllers, their DTOs and auth's verbs, not the service.
 */
export { AuthApiModule } from './auth-api.module.js';
