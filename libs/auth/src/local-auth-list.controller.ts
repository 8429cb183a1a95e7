import { Controller, Inject, Logger } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import { Answers, subjects, type ConnectionEvent, type DurableMessage } from '#csms/bus';
import { ok, refuse, type ServiceReply } from '#csms/http';
import { LocalAuthListService } from './local-auth-list.service.js';
import type { LocalListState } from './local-auth-list.store.js';
import { canonicalIdentity } from './zaptec.js';
import * as verbs from './verbs.js';

export const LOCAL_LIST_CONSUMER = 'auth-local-list';

/** The newest event per charger of a batch: only a charger whose last word is "connected" is looked at. */
function connectedIn(batch: DurableMessage<ConnectionEvent>[]): string[] {
  const last = new Map<string, ConnectionEvent>();
  for (const { data } of batch) {
    const prev = last.get(data.chargerId);
    if (!prev || Date.parse(prev.at) <= Date.parse(data.at)) last.set(data.chargerId, data);
  }
  return [...last.values()].filter((e) => e.state === 'connected').map((e) => e.chargerId);
}

const validGroup = (g: unknown): g is string | null => g === null || (typeof g === 'string' && g.length >= 1 && g.length <= 100);

@Controller()
export class LocalAuthListController {
  private readonly log = new Logger('LocalAuthList');

  constructor(@Inject(LocalAuthListService) private readonly lists: LocalAuthListService) {}

  /**
   * Acked once every charger of the batch was checked (and sent its list if needed); outcomes such as
   * not-connected or a timeout are recorded, not retried here. Our own failures (database) throw: redelivered.
   * ackWaitMs covers a slow charger answering each chunk near the command timeout.
   */
  @EventPattern<string>(subjects.allConnections, { durable: LOCAL_LIST_CONSUMER, maxBatch: 50, maxWaitMs: 20, ackWaitMs: 15 * 60_000 })
  async connections(batch: DurableMessage<ConnectionEvent>[]): Promise<void> {
    await Promise.all(connectedIn(batch).map((id) => this.lists.onConnected(id)));
  }

  @Answers(verbs.getLocalAuthList)
  async get(body: { chargerId: string }): Promise<ServiceReply<LocalListState>> {
    const state = await this.lists.view(body.chargerId);
    return state ? ok(state) : refuse(404, 'not_found', `charger ${canonicalIdentity(body.chargerId)} is not registered`);
  }

  /** Stores the group and answers at once; the Full update runs on (GET shows how it went). */
  @Answers(verbs.setLocalAuthListGroup)
  async setGroup(body: { chargerId: string; group: string | null }): Promise<ServiceReply<LocalListState>> {
    if (!validGroup(body?.group)) {
      return refuse(400, 'validation_failed', 'group must be a string of 1 to 100 characters or null', [
        { field: 'group', rule: 'isString', message: 'group must be a string of 1 to 100 characters or null' },
      ]);
    }
    if (!(await this.lists.setGroup(body.chargerId, body.group)))
      return refuse(404, 'not_found', `charger ${canonicalIdentity(body.chargerId)} is not registered`);
    const state = (await this.lists.view(body.chargerId)) as LocalListState;
    this.lists
      .syncFull(body.chargerId)
      .catch((err: unknown) => this.log.warn(`local list of ${state.chargerId}: ${err instanceof Error ? err.message : String(err)}`));
    return ok(state);
  }
}
