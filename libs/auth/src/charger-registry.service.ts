import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Optional } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { DATA_SOURCE, sqlOf, type Sql } from '#csms/persistence';
import { ok, refuse, type ServiceReply } from '#csms/http';
import { Batcher, keyedBatcher } from '#csms/persistence';
import { AUTH_OPTIONS, type AuthOptions, type UnknownChargersPolicy } from './auth-options.js';
import type { AuthChargersRow, RegistrationState, RotationState, SecurityProfile } from './charger-registry.service.rows.js';
import { chargerRowsByIds } from './charger-rows.js';
import { CredentialHasher, credentialSecretSource, type CredentialOrigin } from './credential-hasher.js';
import { canonicalIdentity, defaultUseAuthorizationKeyWithoutDecoding } from './zaptec.js';

/** What auth knows about one charger (never the password itself). */
export interface ChargerRecord {
  chargerId: string;
  securityProfile: SecurityProfile;
  registrationState: RegistrationState;
  useAuthorizationKeyWithoutDecoding: boolean | null;
  authorizationKeySetBefore: boolean;
  passwordHash: string | null;
  pendingPasswordHash: string | null;
  rotationId: string | null;
  rotationState: RotationState;
  rotationWithoutDecoding: boolean | null;
  rotationOutcome: string | null;
  rotationStartedAt: Date | null;
  rotationUpdatedAt: Date | null;
  rotationCompletedAt: Date | null;
  freeCharging: boolean | null;
  freeChargingIdTag: string | null;
  /**
   * Registered by UNKNOWN_CHARGERS, not booted yet: removed by the sweeper after its time
   * (docs/reference/design-decisions.md#provisional-chargers).
   */
  provisional: boolean;
}

export interface NewCharger {
  chargerId: string;
  securityProfile: SecurityProfile;
  registrationState: RegistrationState;
  /** The exact Basic Auth password bytes; absent: no credential (profile 0, or a charger that sent none). */
  password?: Uint8Array;
  /** Who chose the password; decides its hash (credential-hasher.ts). Default: chosen. */
  passwordOrigin?: CredentialOrigin;
  useAuthorizationKeyWithoutDecoding?: boolean | null;
  /** Registered on first connect (UNKNOWN_CHARGERS): permanent only from its first BootNotification. */
  provisional?: boolean;
}

type Row = AuthChargersRow;

function toRecord(r: Row): ChargerRecord {
  return {
    chargerId: r.charger_id,
    // smallint arrives as a number from both drivers; Number() keeps a driver that sends text honest.
    securityProfile: Number(r.security_profile) as SecurityProfile,
    registrationState: r.registration_state,
    useAuthorizationKeyWithoutDecoding: r.use_authorization_key_without_decoding,
    authorizationKeySetBefore: r.authorization_key_set_before,
    passwordHash: r.password_hash,
    pendingPasswordHash: r.pending_password_hash,
    rotationId: r.rotation_id,
    rotationState: r.rotation_state,
    rotationWithoutDecoding: r.rotation_without_decoding,
    rotationOutcome: r.rotation_outcome,
    rotationStartedAt: r.rotation_started_at,
    rotationUpdatedAt: r.rotation_updated_at,
    rotationCompletedAt: r.rotation_completed_at,
    freeCharging: r.free_charging,
    freeChargingIdTag: r.free_charging_id_tag,
    provisional: r.provisional,
  };
}

/**
 * The charger's effective decoding switch: the reported/set value, else Zaptec's default
 * (docs/reference/zaptec-facts.md#useauthorizationkeywithoutdecoding).
 */
export function decodingModeOf(c: Pick<ChargerRecord, 'useAuthorizationKeyWithoutDecoding' | 'authorizationKeySetBefore'>): boolean {
  return c.useAuthorizationKeyWithoutDecoding ?? defaultUseAuthorizationKeyWithoutDecoding(c.authorizationKeySetBefore);
}

/** A generated Basic Auth password: 20 random bytes as 40 hex digits, printable and valid as an AuthorizationKey text. */
export function generatePasswordText(): string {
  return randomBytes(20).toString('hex').toUpperCase();
}

/** Keys of a GetConfiguration answer that auth keeps (free charging, the password derivation, local list limits). */
const REPORTED_KEYS = ['FreeCharging', 'FreeChargingIdTag', 'UseAuthorizationKeyWithoutDecoding', 'SendLocalListMaxLength', 'LocalAuthListMaxLength'] as const;

/** A whole number, else null (unknown: the local list falls back to its defaults). */
const wholeNumber = (v: string | undefined): number | null => (v !== undefined && /^\s*\d{1,9}\s*$/.test(v) ? Number(v) : null);

@Injectable()
export class ChargerRegistryService {
  /** Every connect and every boot looks a charger up: lookups arriving together share one query. */
  private readonly finder: Batcher<string, ChargerRecord | undefined>;
  /** A fleet of new chargers booting at once makes their records permanent in shared statements. */
  private readonly confirmer: Batcher<string, undefined>;

  /** One per registry, so the connect check, registration and key rotation share the server secret. */
  readonly hasher: CredentialHasher;

  private readonly sql: Sql;

  constructor(@Inject(DATA_SOURCE) db: DataSource, @Optional() @Inject(AUTH_OPTIONS) options: Pick<AuthOptions, 'credentialSecrets'> = {}) {
    this.sql = sqlOf(db);
    const secrets = (options.credentialSecrets ?? []).map((x) => Buffer.from(x, 'utf8'));
    this.hasher = new CredentialHasher(credentialSecretSource(db, secrets));
    this.finder = keyedBatcher<ChargerRecord | undefined>(
      async (ids) => new Map([...(await chargerRowsByIds(this.sql, ids))].map(([id, r]) => [id, toRecord(r)])),
      () => undefined,
    );
    this.confirmer = new Batcher(async (ids) => {
      await this.sql.execute(`UPDATE auth_chargers SET provisional = false WHERE charger_id = ANY($1::text[]) AND provisional`, [ids]);
      return ids.map(() => undefined);
    });
  }

  /** Reads after the call (never an answer from before it), so a lookup right after a write sees the write. */
  find(chargerId: string): Promise<ChargerRecord | undefined> {
    return this.finder.add(canonicalIdentity(chargerId));
  }

  /** Inserts a charger; `created` false when the (canonical) id is already registered. */
  async register(c: NewCharger, replaceProvisional = false): Promise<{ created: boolean; passwordHash: string | null }> {
    const hash = c.password ? await this.hasher.hash(c.password, c.passwordOrigin ?? 'chosen') : null;
    // The operator's registration replaces a record some socket made on first use and never confirmed by a
    // boot: otherwise whoever connected first under a charger's id would keep its credential
    // (docs/reference/design-decisions.md#provisional-chargers).
    const onConflict = replaceProvisional
      ? `DO UPDATE SET security_profile = EXCLUDED.security_profile, registration_state = EXCLUDED.registration_state,
           use_authorization_key_without_decoding = EXCLUDED.use_authorization_key_without_decoding,
           authorization_key_set_before = EXCLUDED.authorization_key_set_before, password_hash = EXCLUDED.password_hash,
           pending_password_hash = NULL, provisional = false, created_at = now()
         WHERE auth_chargers.provisional`
      : 'DO NOTHING';
    const rows = await this.sql.query<Pick<Row, 'charger_id'>>(
      `INSERT INTO auth_chargers (charger_id, security_profile, registration_state, use_authorization_key_without_decoding,
                                  authorization_key_set_before, password_hash, provisional)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (charger_id) ${onConflict} RETURNING charger_id`,
      // A registered password is a key that was set on the charger: Zaptec then defaults to no decoding.
      [
        canonicalIdentity(c.chargerId),
        c.securityProfile,
        c.registrationState,
        c.useAuthorizationKeyWithoutDecoding ?? null,
        hash !== null,
        hash,
        c.provisional === true,
      ],
    );
    return { created: rows.length === 1, passwordHash: hash };
  }

  /**
   * Removes provisional records older than `olderThanS` (a socket that connected under UNKNOWN_CHARGERS and never
   * booted); returns their ids. A charger removed while still connected is registered again at its next connect.
   */
  async removeStaleProvisional(olderThanS: number): Promise<string[]> {
    const rows = await this.sql.query<{ charger_id: string }>(
      `DELETE FROM auth_chargers WHERE provisional AND created_at < now() - make_interval(secs => $1) RETURNING charger_id`,
      [olderThanS],
    );
    return rows.map((r) => r.charger_id);
  }

  /** The operator decided about the charger: its record is no longer provisional. */
  async setRegistrationState(chargerId: string, state: RegistrationState): Promise<boolean> {
    const rows = await this.sql.query<Pick<Row, 'charger_id'>>(
      `UPDATE auth_chargers SET registration_state = $2, provisional = false WHERE charger_id = $1 RETURNING charger_id`,
      [canonicalIdentity(chargerId), state],
    );
    return rows.length === 1;
  }

  /** Stores the free-charging and decoding keys of a GetConfiguration answer; other keys are ignored. */
  async setReportedConfiguration(chargerId: string, keys: Record<string, string>): Promise<boolean> {
    const bool = (v: string | undefined): boolean | null => (v === undefined ? null : v.trim().toLowerCase() === 'true');
    const present = REPORTED_KEYS.filter((k) => keys[k] !== undefined);
    const sets: string[] = ['reported_at = now()'];
    const params: unknown[] = [canonicalIdentity(chargerId)];
    const add = (column: string, value: unknown): void => {
      params.push(value);
      sets.push(`${column} = $${params.length}`);
    };
    // A key the answer did not include keeps its last known value (GetConfiguration may ask for a subset).
    if (present.includes('FreeCharging')) add('free_charging', bool(keys.FreeCharging));
    if (present.includes('FreeChargingIdTag')) add('free_charging_id_tag', keys.FreeChargingIdTag);
    if (present.includes('UseAuthorizationKeyWithoutDecoding')) {
      add('use_authorization_key_without_decoding', bool(keys.UseAuthorizationKeyWithoutDecoding));
    }
    if (present.includes('SendLocalListMaxLength')) add('send_local_list_max_length', wholeNumber(keys.SendLocalListMaxLength));
    if (present.includes('LocalAuthListMaxLength')) add('local_auth_list_max_length', wholeNumber(keys.LocalAuthListMaxLength));
    const rows = await this.sql.query<Pick<Row, 'charger_id'>>(
      `UPDATE auth_chargers SET ${sets.join(', ')} WHERE charger_id = $1 RETURNING charger_id`,
      params,
    );
    return rows.length === 1;
  }

  /**
   * The charger authenticated with the pending password: it becomes the only valid one. Guarded by the
   * pending hash, so a rotation abandoned or replaced meanwhile is not promoted.
   */
  async promotePending(chargerId: string, pendingHash: string): Promise<void> {
    await this.sql.execute(
      `UPDATE auth_chargers
          SET password_hash = pending_password_hash, pending_password_hash = NULL, authorization_key_set_before = true,
              rotation_outcome = CASE WHEN rotation_state = 'accepted' THEN rotation_outcome ELSE 'charger connected with the new key' END,
              rotation_state = 'accepted', rotation_completed_at = now(), rotation_updated_at = now()
        WHERE charger_id = $1 AND pending_password_hash = $2`,
      [chargerId, pendingHash],
    );
  }

  /**
   * The operator's registration (POST /api/v1/chargers). The password is the Basic Auth password text as the
   * charger sends it; absent on profile 1-3: a generated one, returned this once. Profile 0 takes none.
   */
  async registerCharger(input: RegisterChargerInput): Promise<ServiceReply<RegisteredCharger>> {
    const chargerId = canonicalIdentity(input.id);
    if (input.securityProfile === 0 && input.password !== undefined) {
      return refuse(422, 'password_without_auth', 'security profile 0 uses no password', [
        { field: 'password', rule: 'profile0.noPassword', message: 'security profile 0 uses no Basic Auth password' },
      ]);
    }
    const generated = input.securityProfile > 0 && input.password === undefined ? generatePasswordText() : undefined;
    const password = input.password ?? generated;
    const { created } = await this.register(
      {
        chargerId,
        securityProfile: input.securityProfile,
        registrationState: 'accepted',
        password: password === undefined ? undefined : Buffer.from(password, 'utf8'),
        passwordOrigin: generated ? 'generated' : 'chosen',
        useAuthorizationKeyWithoutDecoding: input.useAuthorizationKeyWithoutDecoding ?? null,
      },
      true,
    );
    if (!created) return refuse(409, 'charger_exists', `charger ${chargerId} is already registered`);
    return ok({
      id: chargerId,
      securityProfile: input.securityProfile,
      registrationState: 'accepted',
      useAuthorizationKeyWithoutDecoding: input.useAuthorizationKeyWithoutDecoding ?? null,
      ...(generated ? { generatedPassword: generated } : {}),
    });
  }

  /**
   * What config-manager needs to answer a BootNotification; unknown chargers follow UNKNOWN_CHARGERS.
   * config-manager asks exactly when a charger boots (registration-lookup.ts), so `booting` makes a provisional
   * record permanent: no extra message, and nothing to change in config-manager (docs/reference/design-decisions.md#provisional-chargers).
   */
  async registration(chargerId: string, unknownChargers: UnknownChargersPolicy, booting = false): Promise<RegistrationView> {
    const c = await this.find(chargerId);
    if (c?.provisional && booting) await this.confirmer.add(c.chargerId);
    if (c) return { state: c.registrationState, securityProfile: c.securityProfile, known: true };
    const state = unknownChargers === 'accept' ? 'accepted' : unknownChargers === 'pending' ? 'pending' : 'blocked';
    return { state, securityProfile: 0, known: false };
  }
}

export interface RegisterChargerInput {
  id: string;
  securityProfile: SecurityProfile;
  password?: string;
  useAuthorizationKeyWithoutDecoding?: boolean;
}

export interface RegisteredCharger {
  id: string;
  securityProfile: SecurityProfile;
  registrationState: RegistrationState;
  useAuthorizationKeyWithoutDecoding: boolean | null;
  /** Only when generated: shown once, never stored in clear or returned again. */
  generatedPassword?: string;
}

export interface RegistrationView {
  state: RegistrationState;
  securityProfile: SecurityProfile;
  known: boolean;
}
