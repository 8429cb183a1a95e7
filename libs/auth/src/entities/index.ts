import { AuthCharger } from './auth-charger.entity.js';
import { AuthIdTag } from './auth-id-tag.entity.js';
import { AuthSecurityEvent } from './auth-security-event.entity.js';

export { AuthCharger, AuthIdTag, AuthSecurityEvent };
export const AUTH_ENTITIES = [AuthCharger, AuthIdTag, AuthSecurityEvent];
