import { randomUUID } from 'node:crypto';
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
 *
 * Every command leaves here with a commandId (the gateway executes one id at most once) and a deadline
 * (the moment this caller stops waiting: a command still queued at the charger then is never sent); a
 * caller may set either itself. The gateway answers by the deadline, so the bus grace is only a backstop.
 */
export async function sendCommand<R = unknown>(bus: Bus, chargerId: string, request: CommandRequest): Promise<CommandReply<R>> {
  const timeoutMs = request.timeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
  const deadline = request.deadline ?? Date.now() + timeoutMs;
  const stamped: CommandRequest = { ...request, commandId: request.commandId ?? randomUUID(), deadline, timeoutMs };
  try {
    return await bus.request<CommandRequest, CommandReply<R>>(subjects.command(chargerId), stamped, {
      timeoutMs: Math.max(0, deadline - Date.now()) + BUS_GRACE_MS,
    });
  } catch (err) {
    if (err instanceof NoRespondersError) return { status: 'not-connected' };
    if (err instanceof RequestTimeoutError) return { status: 'timeout' };
    throw err;
  }
}
