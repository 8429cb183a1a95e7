import { NoRespondersError, RequestTimeoutError, subjects, type Bus } from '#csms/bus';
import type { ServiceReply } from '#csms/http';

/** Auth's answer on `api.auth.registration` (the contract auth is written against). */
export interface RegistrationState {
  state: 'accepted' | 'pending' | 'blocked';
  securityProfile: number;
  known: boolean;
}

export interface RegistrationRequest {
  chargerId: string;
}

/**
 * The registration decision, or why there is none. `unavailable` is not a refusal: the charger is told
 * Pending with a short interval so it asks again once auth answers (OCPP 1.6 §4.2: a Pending charger
 * retries BootNotification after `interval`).
 */
export type RegistrationOutcome = { kind: 'decided'; registration: RegistrationState } | { kind: 'unavailable'; reason: string };

export type RegistrationLookup = (chargerId: string) => Promise<RegistrationOutcome>;

/**
 * Asks auth over the bus. Never throws: every failure becomes `unavailable` with the reason. Asked only for a
 * BootNotification: auth takes the question as the boot that makes a provisional charger permanent
 * (docs/reference/design-decisions.md#provisional-chargers).
 */
export function busRegistrationLookup(bus: Bus, timeoutMs: number): RegistrationLookup {
  const subject = subjects.api('auth', 'registration');
  return async (chargerId) => {
    let reply: ServiceReply<RegistrationState>;
    try {
      reply = await bus.request<RegistrationRequest, ServiceReply<RegistrationState>>(subject, { chargerId }, { timeoutMs });
    } catch (err) {
      if (err instanceof NoRespondersError) return { kind: 'unavailable', reason: `no responders on ${subject}` };
      if (err instanceof RequestTimeoutError) return { kind: 'unavailable', reason: `${subject} did not answer within ${timeoutMs} ms` };
      return { kind: 'unavailable', reason: `${subject} failed: ${err instanceof Error ? err.message : String(err)}` };
    }
    if (!reply.ok) return { kind: 'unavailable', reason: `${subject} refused (${reply.status} ${reply.body.error}): ${reply.body.message}` };
    return { kind: 'decided', registration: reply.data };
  };
}
