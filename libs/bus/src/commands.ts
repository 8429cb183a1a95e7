import { NoRespondersError, RequestTimeoutError, type Bus } from './bus.js';
import type { CommandReply, CommandRequest } from './envelopes.js';
import { subjects } from './subjects.js';

/** Grace on top of the charger's own timeout, so the gateway's 'timeout' answer wins over the bus timeout. */
const BUS_GRACE_MS = 2_000;
export const DEFAULT_COMMAND_TIMEOUT_MS = 30_000;

/**
 * Sends a CSMS -> charger command to whichever gateway holds the charger's socket and returns the
 * outcome. Nobody subscribed on the command subject means no gateway holds the charger: 'not-connected',
 * at once, instead of waiting for a timeout.
 */
export async function sendCommand<R = unknown>(bus: Bus, chargerId: string, request: CommandRequest): Promise<CommandReply<R>> {
  const timeoutMs = request.timeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
  try {
    return await bus.request<CommandRequest, CommandReply<R>>(subjects.command(chargerId), request, { timeoutMs: timeoutMs + BUS_GRACE_MS });
  } catch (err) {
    if (err instanceof NoRespondersError) return { status: 'not-connected' };
    if (err instanceof RequestTimeoutError) return { status: 'timeout' };
    throw err;
  }
}
