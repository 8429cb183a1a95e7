import { ask, NoRespondersError, RequestTimeoutError, type Bus } from '#csms/bus';
import type { ReadinessCheck, ReadinessOutcome } from '#csms/http';
import * as auth from '#csms/auth/verbs';

const ASK_TIMEOUT_MS = 1_500;

/**
 * A gateway is ready only when it can accept chargers (docs/reference/design-decisions.md#readiness): every upgrade asks auth, so with auth
 * not running, not answering, or without its database, every charger would get 503. Auth is asked the way an
 * upgrade asks it (request/reply on the bus): a separate service on NATS, the in-process module in the
 * all-in-one.
 */
export function authReadiness(bus: Bus): ReadinessCheck {
  return {
    name: 'auth',
    check: async (): Promise<ReadinessOutcome> => {
      try {
        const reply = await ask(bus, auth.ready, {}, { timeoutMs: ASK_TIMEOUT_MS });
        return reply.ready ? { ready: true } : { ready: false, reason: reply.reason ?? 'auth not ready' };
      } catch (err) {
        if (err instanceof NoRespondersError) return { ready: false, reason: 'auth service not running: chargers would be refused (503)' };
        if (err instanceof RequestTimeoutError)
          return { ready: false, reason: `auth service did not answer within ${ASK_TIMEOUT_MS} ms: chargers would be refused (503)` };
        return { ready: false, reason: `auth service failed: ${(err as Error).message}` };
      }
    },
  };
}
