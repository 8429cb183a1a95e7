import { Controller, Inject } from '@nestjs/common';
import { Answers } from '#csms/bus';
import { ok, refuse, type ServiceReply } from '#csms/http';
import { AUTH_OPTIONS, type AuthOptions } from './auth-options.js';
import { AuthorizationKeyRotationService, type RotationStarted, type RotationView } from './authorization-key-rotation.service.js';
import { ChargerRegistryService, type RegisterChargerInput, type RegisteredCharger, type RegistrationView } from './charger-registry.service.js';
import { REGISTRATION_STATES, type RegistrationState } from './charger-registry.service.rows.js';
import { VerifiedCredentials } from './verified-credentials.js';
import { canonicalIdentity } from './zaptec.js';
import * as verbs from './verbs.js';

const notFound = (id: string): ServiceReply<never> => refuse(404, 'not_found', `charger ${canonicalIdentity(id)} is not registered`);

/** Charger credentials and registration, for the HTTP API and config-manager. */
@Controller()
export class ChargersController {
  constructor(
    @Inject(ChargerRegistryService) private readonly registry: ChargerRegistryService,
    @Inject(AuthorizationKeyRotationService) private readonly rotations: AuthorizationKeyRotationService,
    @Inject(AUTH_OPTIONS) private readonly options: AuthOptions,
    @Inject(VerifiedCredentials) private readonly verifiedCredentials: VerifiedCredentials,
  ) {}

  @Answers(verbs.registerCharger)
  register(body: RegisterChargerInput): Promise<ServiceReply<RegisteredCharger>> {
    return this.registry.registerCharger(body);
  }

  /** Asked by config-manager when a charger sends BootNotification (and only then): it confirms a provisional record. */
  @Answers(verbs.registration)
  async registration(body: { chargerId: string }): Promise<ServiceReply<RegistrationView>> {
    return ok(await this.registry.registration(body.chargerId, this.options.unknownChargers, true));
  }

  @Answers(verbs.setRegistration)
  async setRegistration(body: { chargerId: string; state: RegistrationState }): Promise<ServiceReply<RegistrationView>> {
    if (!REGISTRATION_STATES.includes(body.state)) {
      return refuse(400, 'validation_failed', `state must be one of ${REGISTRATION_STATES.join(', ')}`, [
        { field: 'state', rule: 'isIn', message: `state must be one of ${REGISTRATION_STATES.join(', ')}` },
      ]);
    }
    if (!(await this.registry.setRegistrationState(body.chargerId, body.state))) return notFound(body.chargerId);
    // Hygiene only (a blocked charger is refused before its password is looked at); other replicas keep theirs.
    if (body.state === 'blocked') this.verifiedCredentials.forget(canonicalIdentity(body.chargerId));
    return ok(await this.registry.registration(body.chargerId, this.options.unknownChargers));
  }

  /** config-manager, after each GetConfiguration: the free-charging and decoding keys. */
  @Answers(verbs.setReportedConfiguration)
  async setReportedConfiguration(body: { chargerId: string; keys: Record<string, string> }): Promise<ServiceReply<{ stored: true }>> {
    if (!(await this.registry.setReportedConfiguration(body.chargerId, body.keys ?? {}))) return notFound(body.chargerId);
    return ok({ stored: true });
  }

  @Answers(verbs.startKeyRotation)
  async startKeyRotation(body: { chargerId: string; key?: string }): Promise<ServiceReply<RotationStarted>> {
    // The API answers 202 at once; the charger's answer is recorded when it comes (GET shows it).
    const { reply } = await this.rotations.start(body.chargerId, body.key);
    return reply;
  }

  @Answers(verbs.keyRotationStatus)
  keyRotationStatus(body: { chargerId: string }): Promise<ServiceReply<RotationView>> {
    return this.rotations.status(body.chargerId);
  }

  @Answers(verbs.abandonKeyRotation)
  async abandonKeyRotation(body: { chargerId: string }): Promise<ServiceReply<RotationView>> {
    const reply = await this.rotations.abandon(body.chargerId);
    // Ending an accepted rotation changes the stored hash, which the cache checks anyway: hygiene only.
    this.verifiedCredentials.forget(canonicalIdentity(body.chargerId));
    return reply;
  }
}
