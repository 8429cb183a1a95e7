import { randomInt, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { CommandReply } from '#csms/bus';
import { ok, refuse, type ServiceReply } from '#csms/http';
import type { ChangeConfigurationResponse } from '#csms/ocpp';
import type { DataSource } from 'typeorm';
import { DATA_SOURCE, sqlOf, type Sql } from '#csms/persistence';
import { AUTH_OPTIONS, type AuthOptions } from './auth-options.js';
import { CHARGER_COMMANDS, type ChargerCommands } from './charger-commands.js';
import { ChargerRegistryService, decodingModeOf, type ChargerRecord } from './charger-registry.service.js';
import type { RotationState } from './charger-registry.service.rows.js';
import { canonicalIdentity, expectedPasswordBytes, validateAuthorizationKey } from './zaptec.js';

export interface RotationView {
  chargerId: string;
  state: RotationState;
  outcome: string | null;
  /** Decoding mode the new key was derived with (true: key text is the password). */
  withoutDecoding: boolean | null;
  /** True while both the old and the new password are accepted. */
  newPasswordPending: boolean;
  startedAt: string | null;
  updatedAt: string | null;
  completedAt: string | null;
}

export interface RotationStarted extends RotationView {
  /** Only when the key was generated here: shown once, never stored or returned again. */
  generatedKey?: string;
}

/** A generated key the charger accepts in its mode: 20 bytes of hex text, or 20 printable-ASCII bytes hex-encoded. */
export function generateAuthorizationKey(withoutDecoding: boolean): string {
  // Decoding on: the decoded bytes are the password, so keep them printable (no CTL, RFC 7617; no high bytes
  // whose charset handling varies between Basic Auth implementations).
  const bytes = Buffer.from(Array.from({ length: 20 }, () => (withoutDecoding ? randomInt(0, 256) : randomInt(0x21, 0x7f))));
  return bytes.toString('hex').toUpperCase();
}

const ORIGIN = 'auth:authorization-key';
const DEFAULT_ROTATION_TIMEOUT_MS = 30_000;

/**
 * The AuthorizationKey lifecycle (docs/reference/design-decisions.md#authorizationkey-rotation): validate for the
 * charger's decoding mode, store the hash of
 * the new password as pending, send ChangeConfiguration(AuthorizationKey), and record the outcome.
 * Accepted: both passwords work until the charger reconnects with the new one (then the old one stops)
 * or the operator ends the rotation. Rejected / NotSupported / CALLERROR / not connected: the pending one
 * is dropped, the old one stays. Timeout: the answer is unknown, the charger may have applied the key, so
 * both stay valid (a lock-out would need a site visit) until it reconnects or the rotation is abandoned.
 */
@Injectable()
export class AuthorizationKeyRotationService {
  private readonly sql: Sql;

  private readonly timeoutMs: number;

  constructor(
    @Inject(DATA_SOURCE) db: DataSource,
    @Inject(ChargerRegistryService) private readonly registry: ChargerRegistryService,
    @Inject(CHARGER_COMMANDS) private readonly commands: ChargerCommands,
    @Inject(AUTH_OPTIONS) options: Pick<AuthOptions, 'rotationTimeoutMs'> = {},
  ) {
    this.sql = sqlOf(db);
    this.timeoutMs = options.rotationTimeoutMs ?? DEFAULT_ROTATION_TIMEOUT_MS;
  }

  /** Starts a rotation; `done` settles once the charger's answer is recorded (the API does not wait for it). */
  async start(chargerId: string, key?: string): Promise<{ reply: ServiceReply<RotationStarted>; done: Promise<void> }> {
    const none = Promise.resolve();
    const c = await this.registry.find(chargerId);
    if (!c) return { reply: refuse(404, 'not_found', `charger ${canonicalIdentity(chargerId)} is not registered`), done: none };
    const busy = this.busyReason(c);
    if (busy) return { reply: refuse(409, 'rotation_in_progress', busy), done: none };
    const withoutDecoding = decodingModeOf(c);
    const newKey = key ?? generateAuthorizationKey(withoutDecoding);
    const refusals = validateAuthorizationKey(newKey, withoutDecoding);
    if (refusals.length) {
      return {
        reply: refuse(
          422,
          'invalid_authorization_key',
          refusals.map((r) => r.message).join(' '),
          refusals.map((r) => ({ field: 'key', rule: r.rule, message: r.message })),
        ),
        done: none,
      };
    }
    const pendingHash = await this.registry.hasher.hash(expectedPasswordBytes(newKey, withoutDecoding), key === undefined ? 'generated' : 'chosen');
    const rotationId = randomUUID();
    const rows = await this.sql.query(
      `UPDATE auth_chargers
          SET pending_password_hash = $2, rotation_id = $3, rotation_state = 'sending', rotation_without_decoding = $4,
              rotation_outcome = NULL, rotation_started_at = now(), rotation_updated_at = now(), rotation_completed_at = NULL
        WHERE charger_id = $1 AND rotation_state <> 'sending' RETURNING charger_id`,
      [c.chargerId, pendingHash, rotationId, withoutDecoding],
    );
    if (rows.length === 0) return { reply: refuse(409, 'rotation_in_progress', 'another rotation started meanwhile'), done: none };
    // The view is read before the command goes out, so the answer always shows the rotation as started.
    const view = (await this.view(c.chargerId))!;
    const done = this.deliver(c.chargerId, rotationId, newKey);
    return { reply: ok({ ...view, ...(key === undefined ? { generatedKey: newKey } : {}) }), done };
  }

  async status(chargerId: string): Promise<ServiceReply<RotationView>> {
    const view = await this.view(chargerId);
    return view ? ok(view) : refuse(404, 'not_found', `charger ${canonicalIdentity(chargerId)} is not registered`);
  }

  /**
   * Ends the grace period. Before an Accepted answer (sending, timeout) the new password is dropped and the
   * old one stays; after Accepted the charger holds the new key, so the new one stays and the old one stops.
   */
  async abandon(chargerId: string): Promise<ServiceReply<RotationView>> {
    const c = await this.registry.find(chargerId);
    if (!c) return refuse(404, 'not_found', `charger ${canonicalIdentity(chargerId)} is not registered`);
    if (!c.pendingPasswordHash) return refuse(409, 'no_rotation', `charger ${c.chargerId} has no rotation in progress`);
    if (c.rotationState === 'accepted') {
      await this.sql.execute(
        `UPDATE auth_chargers SET password_hash = pending_password_hash, pending_password_hash = NULL,
                rotation_outcome = 'grace period ended by operator', rotation_completed_at = now(), rotation_updated_at = now()
          WHERE charger_id = $1 AND pending_password_hash = $2`,
        [c.chargerId, c.pendingPasswordHash],
      );
    } else {
      await this.sql.execute(
        `UPDATE auth_chargers SET pending_password_hash = NULL, rotation_state = 'abandoned',
                rotation_outcome = 'abandoned by operator', rotation_updated_at = now()
          WHERE charger_id = $1 AND pending_password_hash = $2`,
        [c.chargerId, c.pendingPasswordHash],
      );
    }
    return ok((await this.view(c.chargerId))!);
  }

  private busyReason(c: ChargerRecord): string | undefined {
    if (c.rotationState === 'sending') return `a key is being sent to ${c.chargerId}`;
    if (c.rotationState === 'accepted' && c.pendingPasswordHash) {
      return `${c.chargerId} accepted a new key but has not reconnected with it yet; DELETE the rotation to end its grace period first`;
    }
    return undefined;
  }

  private async deliver(chargerId: string, rotationId: string, key: string): Promise<void> {
    let reply: CommandReply;
    try {
      reply = await this.commands.send(chargerId, {
        action: 'ChangeConfiguration',
        payload: { key: 'AuthorizationKey', value: key },
        timeoutMs: this.timeoutMs,
        origin: ORIGIN,
      });
    } catch (err) {
      // Whether the charger got it is unknown: same as a timeout.
      await this.record(chargerId, rotationId, 'timeout', `command failed: ${(err as Error).message}`, true);
      return;
    }
    const [state, outcome, keepPending] = outcomeOf(reply);
    await this.record(chargerId, rotationId, state, outcome, keepPending);
  }

  private async record(chargerId: string, rotationId: string, state: RotationState, outcome: string, keepPending: boolean): Promise<void> {
    // Only the rotation still in 'sending' may move on: an abandoned or replaced one ignores its late answer.
    await this.sql.execute(
      `UPDATE auth_chargers
          SET rotation_state = $3, rotation_outcome = $4, rotation_updated_at = now(),
              pending_password_hash = CASE WHEN $5 THEN pending_password_hash ELSE NULL END,
              authorization_key_set_before = authorization_key_set_before OR $3 = 'accepted'
        WHERE charger_id = $1 AND rotation_id = $2 AND rotation_state = 'sending'`,
      [chargerId, rotationId, state, outcome, keepPending],
    );
  }

  private async view(chargerId: string): Promise<RotationView | undefined> {
    const c = await this.registry.find(chargerId);
    if (!c) return undefined;
    const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);
    return {
      chargerId: c.chargerId,
      state: c.rotationState,
      outcome: c.rotationOutcome,
      withoutDecoding: c.rotationWithoutDecoding,
      newPasswordPending: c.pendingPasswordHash !== null,
      startedAt: iso(c.rotationStartedAt),
      updatedAt: iso(c.rotationUpdatedAt),
      completedAt: iso(c.rotationCompletedAt),
    };
  }
}

/** The rotation state a command reply leads to, its outcome text, and whether the new password stays valid. */
function outcomeOf(reply: CommandReply): [RotationState, string, boolean] {
  switch (reply.status) {
    case 'ok': {
      const status = (reply.result as ChangeConfigurationResponse | undefined)?.status;
      // RebootRequired: the charger applies the key at its next start, so it is as good as Accepted.
      if (status === 'Accepted' || status === 'RebootRequired') return ['accepted', status, true];
      if (status === 'NotSupported') return ['not-supported', status, false];
      return ['rejected', String(status), false];
    }
    case 'callerror':
      return ['rejected', `CALLERROR ${reply.code}: ${reply.description}`, false];
    case 'invalid':
      return ['rejected', `invalid command: ${reply.errors.map((e) => e.message).join('; ')}`, false];
    case 'timeout':
      return ['timeout', 'timeout', true];
    case 'connection-lost':
      // The CALL went out: the charger may have applied the new key before the socket closed.
      return ['timeout', 'connection lost before an answer', true];
    case 'not-connected':
      return ['abandoned', 'not-connected', false];
  }
}
