import { Inject, Injectable, Optional } from '@nestjs/common';
import type { ConnectAuthReply, ConnectAuthRequest } from '#csms/bus';
import { AUTH_OPTIONS, type AuthOptions, type UnknownChargersPolicy } from './auth-options.js';
import { ChargerRegistryService, type ChargerRecord } from './charger-registry.service.js';
import { ConnectThrottle, type ThrottleScope } from './connect-throttle.js';
import type { SecurityProfile } from './charger-registry.service.rows.js';
import { keyedHashSecretId } from './password-hash.js';
import { RefusalEvents, type RefusalEventsOptions } from './refusal-events.js';
import { SecurityEventsService } from './security-events.service.js';
import { VerifiedCredentials } from './verified-credentials.js';
import { canonicalIdentity } from './zaptec.js';

/** Why a connection was refused: the security event type and the metrics label. */
export type ConnectFailure =
  | 'UnknownChargePoint'
  | 'ChargerBlocked'
  | 'SecurityProfileMismatch'
  | 'MissingCredentials'
  | 'InvalidUsername'
  | 'InvalidPassword'
  | 'NoCredentialOnRecord'
  | 'InvalidClientCertificate';

export interface ConnectCounters {
  accepted: number;
  registered: number;
  throttled: number;
  failures: Partial<Record<ConnectFailure, number>>;
}

export interface ConnectDecisionOptions {
  /** The password check (default: the registry's CredentialHasher); tests pass a counting one. */
  verifyPassword?: (password: Uint8Array, storedHash: string) => Promise<boolean>;
  /** Aggregation of the refusal events (tests pass a clock). */
  refusalEvents?: RefusalEventsOptions;
}

/** The security event type of a throttled connect (429), beside the ConnectFailure types. */
export const THROTTLED_EVENT = 'ConnectThrottled';

const THROTTLE_REASONS: Record<ThrottleScope, string> = {
  pair: 'too many failed attempts for this charger from this address',
  identity: 'too many failed attempts for this charger, this address among them',
  address: 'too many charger identities failed from this address',
};

/**
 * One spelling per client address: a dual-stack socket reports an IPv4 client as `::ffff:a.b.c.d`, and the
 * throttle and the security events must see the same address however the client came in.
 */
export function clientAddress(remoteAddress: string): string {
  return /^::ffff:\d{1,3}(\.\d{1,3}){3}$/i.test(remoteAddress) ? remoteAddress.slice(7) : remoteAddress;
}

/** The security profile a connection presents (docs/reference/protocol-notes.md#security-profiles). */
export function presentedProfile(req: ConnectAuthRequest, recorded?: SecurityProfile): SecurityProfile {
  // A profile-2 charger may carry a client certificate too; it still authenticates by Basic Auth over TLS.
  if (recorded === 2 && req.tls && req.basic) return 2;
  if (req.tls && req.clientCertificateCN) return 3;
  if (req.basic) return req.tls ? 2 : 1;
  return 0;
}

/**
 * The WebSocket upgrade decision (docs/reference/design-decisions.md#charger-authentication): who may connect, under
 * which canonical identity.
 * Every refusal is a security event with the remote address, a counter, and a step toward the slow-down.
 */
@Injectable()
export class ConnectDecisionService {
  readonly counters: ConnectCounters = { accepted: 0, registered: 0, throttled: 0, failures: {} };
  readonly verifiedCredentials: VerifiedCredentials;
  readonly refusals: RefusalEvents;
  private readonly verifyPassword: (password: Uint8Array, storedHash: string) => Promise<boolean>;
  private readonly unknownChargers: UnknownChargersPolicy;

  constructor(
    @Inject(ChargerRegistryService) private readonly registry: ChargerRegistryService,
    @Inject(SecurityEventsService) events: SecurityEventsService,
    @Inject(AUTH_OPTIONS) authOptions: Pick<AuthOptions, 'unknownChargers'>,
    @Inject(ConnectThrottle) readonly throttle: ConnectThrottle,
    /** Passwords already verified by scrypt; AuthModule shares one per process. Default: a private one. */
    @Optional() @Inject(VerifiedCredentials) verifiedCredentials?: VerifiedCredentials,
    @Optional() options: ConnectDecisionOptions = {},
    @Optional() private readonly now: () => Date = () => new Date(),
  ) {
    this.unknownChargers = authOptions.unknownChargers;
    this.verifiedCredentials = verifiedCredentials ?? new VerifiedCredentials();
    this.verifyPassword = options.verifyPassword ?? ((password, stored) => registry.hasher.verify(password, stored));
    this.refusals = new RefusalEvents(events, { now: () => this.now().getTime(), ...options.refusalEvents });
  }

  async decide(question: ConnectAuthRequest): Promise<ConnectAuthReply> {
    const req = { ...question, remoteAddress: clientAddress(question.remoteAddress) };
    const id = canonicalIdentity(req.chargerId);
    const throttled = this.throttle.check(id, req.remoteAddress);
    if (throttled) {
      this.counters.throttled += 1;
      const reason = THROTTLE_REASONS[throttled.scope];
      await this.refusals.record({
        chargerId: id,
        type: THROTTLED_EVENT,
        remoteAddress: req.remoteAddress,
        perAddress: throttled.scope === 'address',
        techInfo: `${reason} (${throttled.scope} limit; retry after ${throttled.retryAfterSeconds} s)`,
      });
      return { decision: 'throttled', reason, retryAfterSeconds: throttled.retryAfterSeconds };
    }
    const charger = await this.registry.find(id);
    const refusal = charger ? await this.checkKnown(charger, req) : await this.registerUnknown(id, req);
    if (refusal) {
      await this.fail(id, req, refusal.failure, refusal.message);
      return refusal.failure === 'UnknownChargePoint'
        ? { decision: 'unknown', reason: refusal.message }
        : { decision: 'unauthorized', reason: refusal.message };
    }
    this.throttle.recordSuccess(id, req.remoteAddress);
    this.counters.accepted += 1;
    return { decision: 'accept', chargerId: id };
  }

  private async registerUnknown(id: string, req: ConnectAuthRequest): Promise<Refusal | undefined> {
    if (this.unknownChargers === 'reject') return { failure: 'UnknownChargePoint', message: `charger ${id} is not registered` };
    const profile = presentedProfile(req);
    // Even trust-on-first-use needs a consistent claim: the username or certificate must name this charger.
    const identityRefusal = this.checkIdentityClaims(id, req, profile);
    if (identityRefusal) return identityRefusal;
    const password = req.basic ? Buffer.from(req.basic.passwordBase64, 'base64') : undefined;
    const { created, passwordHash } = await this.registry.register({
      chargerId: id,
      securityProfile: profile,
      registrationState: this.unknownChargers === 'accept' ? 'accepted' : 'pending',
      // Until its first BootNotification (or an operator's registration): a socket that never boots leaves no record.
      provisional: true,
      // The password it sent becomes its credential (first use); none sent: none recorded.
      password,
    });
    if (created) {
      this.counters.registered += 1;
      // Hashed from these very bytes: its next connect (the reconnect after a first boot) need not pay scrypt.
      if (password && passwordHash) this.verifiedCredentials.remember(id, passwordHash, password);
      return undefined;
    }
    // Another replica registered it concurrently: judge this attempt against that record.
    const charger = await this.registry.find(id);
    return charger ? this.checkKnown(charger, req) : { failure: 'UnknownChargePoint', message: `charger ${id} vanished` };
  }

  private async checkKnown(c: ChargerRecord, req: ConnectAuthRequest): Promise<Refusal | undefined> {
    if (c.registrationState === 'blocked') return { failure: 'ChargerBlocked', message: `charger ${c.chargerId} is blocked` };
    const presented = presentedProfile(req, c.securityProfile);
    if (presented !== c.securityProfile) {
      return {
        failure: 'SecurityProfileMismatch',
        message: `charger ${c.chargerId} is registered with security profile ${c.securityProfile}, connected with ${presented}`,
      };
    }
    const identityRefusal = this.checkIdentityClaims(c.chargerId, req, presented);
    if (identityRefusal || presented === 0 || presented === 3) return identityRefusal;
    return this.checkPassword(c, Buffer.from(req.basic!.passwordBase64, 'base64'));
  }

  /** Basic Auth username (RFC 7617 user-id = identity, alias allowed) or the client certificate's CN. */
  private checkIdentityClaims(id: string, req: ConnectAuthRequest, profile: SecurityProfile): Refusal | undefined {
    if (profile === 3) {
      return canonicalIdentity(req.clientCertificateCN ?? '') === id
        ? undefined
        : { failure: 'InvalidClientCertificate', message: `client certificate CN does not name ${id}` };
    }
    if (profile === 0) return undefined;
    if (!req.basic) return { failure: 'MissingCredentials', message: 'Basic Auth credentials missing' };
    const username = req.basic.username;
    if (username.includes(':') || canonicalIdentity(username) !== id) {
      return { failure: 'InvalidUsername', message: 'Basic Auth username does not match the charger identity' };
    }
    return undefined;
  }

  private async checkPassword(c: ChargerRecord, password: Buffer): Promise<Refusal | undefined> {
    if (!c.passwordHash && !c.pendingPasswordHash) {
      return { failure: 'NoCredentialOnRecord', message: `charger ${c.chargerId} has no password on record` };
    }
    // A keyed hash is as cheap as the memory of a verified scrypt check, so only scrypt hashes are remembered:
    // a reconnect storm then costs one HMAC per charger either way; a miss is no refusal, scrypt decides.
    if (c.passwordHash) {
      const verified =
        keyedHashSecretId(c.passwordHash) !== undefined
          ? await this.verifyPassword(password, c.passwordHash)
          : await this.verifiedCredentials.verify(c.chargerId, c.passwordHash, password, this.verifyPassword);
      if (verified) return undefined;
    }
    if (c.pendingPasswordHash && (await this.verifyPassword(password, c.pendingPasswordHash))) {
      // The charger uses the new key: the rotation is complete and the old password stops working
      // (docs/reference/design-decisions.md#authorizationkey-rotation).
      // Not remembered here: the promotion changes the stored hash, the next connect verifies it once.
      await this.registry.promotePending(c.chargerId, c.pendingPasswordHash);
      this.verifiedCredentials.forget(c.chargerId);
      return undefined;
    }
    return { failure: 'InvalidPassword', message: 'Basic Auth password does not match' };
  }

  private async fail(id: string, req: ConnectAuthRequest, failure: ConnectFailure, message: string): Promise<void> {
    this.counters.failures[failure] = (this.counters.failures[failure] ?? 0) + 1;
    this.throttle.recordFailure(id, req.remoteAddress);
    await this.refusals.record({ chargerId: id, type: failure, techInfo: message, remoteAddress: req.remoteAddress });
  }
}

interface Refusal {
  failure: ConnectFailure;
  message: string;
}
