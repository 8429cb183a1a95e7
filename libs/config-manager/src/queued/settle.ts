import type { CommandReply, QueuedCommandState } from '#csms/bus';

/** What one delivery attempt leaves behind: the command's next state and what the record keeps of the reply. */
export interface Settlement {
  status: Extract<QueuedCommandState, 'succeeded' | 'failed' | 'pending'>;
  /** The gateway's outcome of the attempt, as the attempt record names it. */
  outcome: CommandReply['status'];
  /** The charger's CALLRESULT payload (succeeded). */
  result?: unknown;
  /** The CALLERROR, or why the gateway would not send it (failed). */
  error?: { code: string; description: string; details?: Record<string, unknown> };
}

/** Attempts without an answer after which a queued command fails (docs/api-commands.md#queued-commands). */
export const MAX_ATTEMPTS = 5;

/**
 * docs/api-commands.md#queued-commands: an answer settles the command (CALLRESULT: succeeded; CALLERROR or a
 * state the gateway refuses: failed). No answer leaves it pending for the charger's next connection: a timeout or
 * a connection lost mid-call is an unknown outcome, so the command is sent again (at least once per connection,
 * never twice at once). not-connected means nothing was sent: the delivery forgets that claim (delivery.ts).
 */
export function settle(reply: CommandReply, attempt: number): Settlement {
  switch (reply.status) {
    case 'ok':
      return { status: 'succeeded', outcome: 'ok', result: reply.result };
    case 'callerror':
      return { status: 'failed', outcome: 'callerror', error: { code: reply.code, description: reply.description, details: reply.details } };
    case 'invalid':
      return { status: 'failed', outcome: 'invalid', error: { code: 'not_allowed', description: reply.errors.map((e) => e.message).join('; ') } };
    case 'timeout':
    case 'connection-lost':
    case 'not-connected':
      // Bounded: a charger that drops every time it gets this command must not get it forever.
      if (attempt >= MAX_ATTEMPTS) {
        return {
          status: 'failed',
          outcome: reply.status,
          error: { code: 'attempts_exhausted', description: `no answer in ${attempt} attempts (last: ${reply.status})` },
        };
      }
      return { status: 'pending', outcome: reply.status };
  }
}
