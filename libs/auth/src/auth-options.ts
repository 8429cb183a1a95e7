import type { AppConfig } from '#csms/config';
import type { ThrottleOptions } from './connect-throttle.js';

export type UnknownChargersPolicy = 'accept' | 'pending' | 'reject';

export interface AuthOptions {
  /** UNKNOWN_CHARGERS: register and accept, register as pending, or refuse (404) an identity nobody registered. */
  unknownChargers: UnknownChargersPolicy;
  /** Slow-down of repeated failed logins (see connect-throttle.ts and DEFAULT_THROTTLE_OPTIONS). */
  throttle?: Partial<ThrottleOptions>;
  /** Seconds a record made by UNKNOWN_CHARGERS lives without a BootNotification (default 3600). */
  provisionalChargerTtlS?: number;
  /** How long to wait for the charger's ChangeConfiguration(AuthorizationKey) answer. */
  rotationTimeoutMs?: number;
  /** Answer StartTransaction with ConcurrentTx when the tag already has an active transaction (asks metering). Default false. */
  concurrentTx?: boolean;
  /** How long to wait for metering's answer before deciding from the tag alone (default 2000 ms). */
  concurrentTxTimeoutMs?: number;
  /** How long to wait for a charger's SendLocalList / GetLocalListVersion answer (default 30 s). */
  localListTimeoutMs?: number;
  /** AUTH_CREDENTIAL_SECRET, newest first (credential-hasher.ts); empty: the one kept in auth's database. */
  credentialSecrets?: string[];
  /** How often expired reservations are swept (default 10 s); reads and StartTransactions check expiry anyway. */
  reservationSweepMs?: number;
  /** How long to wait for a charger's ReserveNow / CancelReservation answer when the API caller set none (default 30 s). */
  reservationTimeoutMs?: number;
  /** API_ADMIN_TOKEN is set (the first admin token is not generated) and DATA_DIR (where a generated one is written). */
  apiAccess?: { adminTokenConfigured: boolean; dataDir: string };
}

export const DEFAULT_PROVISIONAL_CHARGER_TTL_S = 3_600;

/** The auth options an app takes from the environment (libs/config ENV_SPEC). */
export function authOptionsFromConfig(config: AppConfig): AuthOptions {
  return {
    unknownChargers: config.unknownChargers,
    concurrentTx: config.concurrentTx,
    throttle: config.connectThrottle,
    provisionalChargerTtlS: config.provisionalChargerTtlS,
    credentialSecrets: config.credentialSecrets,
    apiAccess: { adminTokenConfigured: config.apiAccess.adminToken !== undefined, dataDir: config.dataDir },
  };
}

/** Nest injection token of the AuthModule options. */
export const AUTH_OPTIONS = Symbol.for('csms.auth.options');
