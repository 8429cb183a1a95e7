import type { ThrottleOptions } from './connect-throttle.js';

export type UnknownChargersPolicy = 'accept' | 'pending' | 'reject';

export interface AuthOptions {
  /** UNKNOWN_CHARGERS: register and accept, register as pending, or refuse (404) an identity nobody registered. */
  unknownChargers: UnknownChargersPolicy;
  /** Slow-down of repeated failed logins (defaults: 5 failures per identity or address in 10 min). */
  throttle?: Partial<ThrottleOptions>;
  /** How long to wait for the charger's ChangeConfiguration(AuthorizationKey) answer. */
  rotationTimeoutMs?: number;
  /** Answer StartTransaction with ConcurrentTx when the tag already has an active transaction (asks metering). Default false. */
  concurrentTx?: boolean;
  /** How long to wait for metering's answer before deciding from the tag alone (default 2000 ms). */
  concurrentTxTimeoutMs?: number;
  /** How long to wait for a charger's SendLocalList / GetLocalListVersion answer (default 30 s). */
  localListTimeoutMs?: number;
}

/** Nest injection token of the AuthModule options. */
export const AUTH_OPTIONS = Symbol.for('csms.auth.options');
