import { ask, NoRespondersError, RequestTimeoutError, type Bus, type ReplyOf, type RequestOf } from '#csms/bus';
import * as auth from '#csms/auth/verbs';

/** What the boot decision needs of auth's answer on its registration verb. */
export interface RegistrationState {
  state: 'accepted' | 'pending' | 'blocked';
  securityProfile: number;
  known: boolean;
}
export type RegistrationRequest = RequestOf<typeof auth.registration>;

/**
 * The registration decision, or why there is none. `unavailable` is not a refusal: the charger is told
 * Pending with a short interval so it asks again once auth answers (OCPP 1.6 §4.2: a Pending charger
 * retries BootNotification after `interval`).
 */
export type RegistrationOutcome = { kind: 'decided'; registration: RegistrationState } | { kind: 'unavailable'; reason: string };

export type RegistrationLookup = (chargerId: string) => Promise<RegistrationOutcome>;

/** Where BootService asks for the registration state (the registrationLookup option, or auth over the bus). */
export const REGISTRATION_LOOKUP = Symbol.for('csms.config-manager.registration-lookup');

/**
 * Asks auth over the bus. Never throws: every failure becomes `unavailable` with the reason. Asked only for a
 * BootNotification: auth takes the question as the boot that makes a provisional charger permanent
 * (docs/reference/design-decisions.md#provisional-chargers).
 */
export function busRegistrationLookup(bus: Bus, timeoutMs: number): RegistrationLookup {
  const subject = auth.registration.subject;
  return async (chargerId) => {
    let reply: ReplyOf<typeof auth.registration>;
    try {
      reply = await ask(bus, auth.registration, { chargerId }, { timeoutMs });
    } catch (err) {
      if (err instanceof NoRespondersError) return { kind: 'unavailable', reason: `no responders on ${subject}` };
      if (err instanceof RequestTimeoutError) return { kind: 'unavailable', reason: `${subject} did not answer within ${timeoutMs} ms` };
      return { kind: 'unavailable', reason: `${subject} failed: ${err instanceof Error ? err.message : String(err)}` };
    }
    if (!reply.ok) return { kind: 'unavailable', reason: `${subject} refused (${reply.status} ${reply.body.error}): ${reply.body.message}` };
    return { kind: 'decided', registration: reply.data };
  };
}
