import { Injectable, Inject } from '@nestjs/common';
import { ok, refuse, type ServiceReply } from '#csms/http';
import { QUEUED_COMMAND_STATES, type QueuedCommandState } from '#csms/bus';
import { QueuedDelivery } from './delivery.js';
import { expiryOf } from './expiry.js';
import { QueuedCommandStore, type QueuedCommandView } from './store.js';
import { DEFAULT_QUEUED_PAGE, MAX_QUEUED_PAGE } from './queued-options.js';

import type { ListQueuedRequest, QueueCommandRequest, QueuedCommandPage, QueuedCommandRecord } from './queued-requests.js';
export type { ListQueuedRequest, QueueCommandRequest, QueuedCommandPage, QueuedCommandRecord };

/** The queue's answers to the API (docs/api-commands.md#queued-commands). */
@Injectable()
export class QueuedCommandService {
  constructor(
    @Inject(QueuedCommandStore) private readonly store: QueuedCommandStore,
    @Inject(QueuedDelivery) private readonly delivery: QueuedDelivery,
  ) {}

  async queue(req: QueueCommandRequest, now = new Date()): Promise<ServiceReply<QueuedCommandView>> {
    const expiry = expiryOf(req.expiresAt, now);
    if (!expiry.ok) return refuse(400, 'validation_failed', expiry.error.message, [expiry.error]);
    // Only chargers the registry knows (they connected at least once): a typo must not wait a week unseen.
    const state = await this.store.chargerState(req.chargerId);
    if (!state)
      return refuse(404, 'unknown_charger', `charger ${req.chargerId} is not known (it never connected); commands can be queued only for known chargers`);
    const stored = await this.store.insert({
      commandId: req.commandId,
      chargerId: req.chargerId,
      action: req.action,
      payload: req.payload,
      expiresAt: expiry.at,
      requestedBy: req.requestedBy,
    });
    await this.delivery.fact(stored, 'queued');
    // Connected and Accepted: deliver now (after the answer, never before it). A connection the charger is still
    // to boot on claims nothing (QueuedCommandStore.claimNext): its boot delivers.
    if (state.connected && state.accepted) setImmediate(() => void this.delivery.kick(req.chargerId));
    return ok(stored);
  }

  async get(commandId: string): Promise<ServiceReply<QueuedCommandRecord>> {
    const found = await this.store.get(commandId);
    if (!found) return refuse(404, 'unknown_command', `no queued command ${commandId}`);
    return ok({ ...found, attemptLog: await this.store.attempts(commandId) });
  }

  async list(req: ListQueuedRequest): Promise<ServiceReply<QueuedCommandPage>> {
    const status =
      req.status === undefined ? undefined : (QUEUED_COMMAND_STATES as readonly string[]).includes(req.status) ? (req.status as QueuedCommandState) : null;
    if (status === null) {
      return refuse(400, 'validation_failed', `status: must be one of ${QUEUED_COMMAND_STATES.join(', ')}`, [
        { field: 'status', value: req.status, rule: 'isIn', message: `status must be one of ${QUEUED_COMMAND_STATES.join(', ')}` },
      ]);
    }
    const limit = Math.min(req.limit ?? DEFAULT_QUEUED_PAGE, MAX_QUEUED_PAGE);
    const offset = req.offset ?? 0;
    const page = await this.store.list(req.chargerId, status, limit, offset);
    if (page.total === 0 && offset === 0 && status === undefined && !(await this.store.chargerState(req.chargerId))) {
      return refuse(404, 'unknown_charger', `charger ${req.chargerId} is not known`);
    }
    return ok({ ...page, limit, offset });
  }

  async cancel(commandId: string, actor: string): Promise<ServiceReply<QueuedCommandView>> {
    const outcome = await this.store.cancel(commandId, actor);
    if ('unknown' in outcome) return refuse(404, 'unknown_command', `no queued command ${commandId}`);
    if ('state' in outcome) {
      return refuse(409, 'not_pending', `queued command ${commandId} is ${outcome.state}: only a pending command can be cancelled`);
    }
    await this.delivery.fact(outcome.cancelled, 'cancelled');
    return ok(outcome.cancelled);
  }
}
