import type { ThrottleOptions } from './connect-throttle.js';

export type UnknownChargersPolicy = 'accept' | 'pending' | 'reject';

export interface AuthOptions {
  /** UNKNOWN_CHARGERS: register and accept, register as pending, or refuse (404) an identity nobody registered. */
  unknownChargers: UnknownChargersPolicy;
  /** Slow-down of repeated failed logins (defaults: 5 failures per identity or address in 10 min). */
  throttle?: Partial<ThrottleOptions>;
  /** How long to wait for the charger's ChangeConfiguration(AuthorizationKey) answer. */
  rotationTimeoutMs?: number;
}

/** Nest injection token of the AuthModule options. */
export const AUTH_OPTIONS = Symbol.for('csms.auth.options');
