import { Controller, Inject, Logger } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { Answers, subjects, type ConnectionEvent, type DurableMessage } from '#csms/bus';
import { ok, type ServiceReply } from '#csms/http';
import {
  DesiredService,
  type ChargerConfigurationView,
  type LevelView,
  type SetChargerConfigurationRequest,
  type SetFleetConfigurationRequest,
  type SetModelConfigurationRequest,
  type RecordCommandChangeRequest,
  type RecordCommandChangeView,
  type RetryRefusedRequest,
  type SetGroupConfigurationRequest,
  type SetGroupMembersRequest,
} from './desired.service.js';
import type { AuditView } from './desired-store.js';
import { profilesView, type ProfilesView } from './profiles-view.js';
import { DESIRED_OPTIONS, type ResolvedDesiredOptions } from './desired.options.js';
import { Reconciler } from './reconciler.js';
import { BootService } from '../registration/boot.service.js';
import * as verbs from '../verbs.js';

/** Durable consumer of connection events that drives reconciliation on connect. */
export const RECONCILE_CONSUMER = 'config-manager-reconcile';

/** A charger whose newest event of a batch says "connected", with the time of that connection (ms). */
export interface Connected {
  chargerId: string;
  connectedAt: number;
}

/**
 * The chargers a batch leaves connected, each with the time of its newest connection (ms). A charger counts when
 * its newest "connected" session has no "disconnected" in the batch: a superseded socket's disconnection, which
 * the gateway reports after the new socket's connection, does not cancel the new one. The connection's own time
 * says which reconciliation covers it (docs/reference/design-decisions.md#one-reconciliation-per-connection: taking the
 * time the batch was handled instead made a backlog's
 * reconnects cost a second round after the boot's). The gateway's clock is capped at ours, so a gateway ahead of
 * us cannot make a connection look newer than any round.
 */
export function connectedIn(batch: DurableMessage<ConnectionEvent>[], now = Date.now()): Connected[] {
  const newest = new Map<string, ConnectionEvent>();
  const closed = new Set<string>();
  for (const { data } of batch) {
    if (data.state === 'disconnected') {
      closed.add(`${data.chargerId}\u0000${data.sessionId}`);
      continue;
    }
    const prev = newest.get(data.chargerId);
    if (!prev || Date.parse(prev.at) <= Date.parse(data.at)) newest.set(data.chargerId, data);
  }
  return [...newest.values()]
    .filter((e) => !closed.has(`${e.chargerId}\u0000${e.sessionId}`))
    .map((e) => {
      const at = Date.parse(e.at);
      return { chargerId: e.chargerId, connectedAt: Number.isFinite(at) ? Math.min(at, now) : now };
    });
}

@Controller()
export class DesiredController {
  private readonly log = new Logger('DesiredController');

  constructor(
    @Inject(DesiredService) private readonly service: DesiredService,
    @Inject(Reconciler) private readonly reconciler: Reconciler,
    @Inject(DESIRED_OPTIONS) private readonly options: ResolvedDesiredOptions,
    @Inject(BootService) private readonly boots: BootService,
  ) {}

  /**
   * Acked only once every reconciliation of the batch finished (or ended for good: not connected, timeout), so a
   * config-manager restarted in the middle gets the batch again and redoes it. Our own failures (database) throw:
   * redelivered after a back-off. ackWaitMs covers a slow charger answering each key near the command timeout.
   */
  @EventPattern<string>(subjects.allConnections, { durable: RECONCILE_CONSUMER, maxBatch: 50, maxWaitMs: 20, ackWaitMs: 15 * 60_000 })
  async connections(@Payload() batch: DurableMessage<ConnectionEvent>[]): Promise<void> {
    const connected = connectedIn(batch);
    for (const c of connected) this.boots.arrivals.note(1, c.connectedAt);
    // Each connection waits connectReconcileDelayMs from when it happened, not from when its batch is handled:
    // a backlog after a reconnect storm is drained without sleeping again per batch. Then, while chargers still
    // arrive in a surge, for its end (ArrivalSurge): the storm's connects and boots are answered first.
    const results = await Promise.all(
      connected.map(async ({ chargerId, connectedAt }) => {
        const wait = connectedAt + this.options.connectReconcileDelayMs - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        // Shutting down: not acked, so the batch is delivered again (to this process restarted or another).
        if (!(await this.boots.arrivals.settled(connectedAt))) throw new Error('shutting down: reconciliation left to the next delivery');
        return this.reconciler.requestSince(chargerId, connectedAt);
      }),
    );
    for (const r of results) {
      if (r.status !== 'done') this.log.warn(`reconciliation of ${r.chargerId} ended ${r.status}${r.message ? `: ${r.message}` : ''}`);
    }
  }

  @Answers(verbs.getChargerConfiguration)
  getCharger(@Payload() body: { chargerId: string }): Promise<ServiceReply<ChargerConfigurationView>> {
    return this.service.getCharger(body.chargerId);
  }

  @Answers(verbs.setChargerConfiguration)
  setCharger(@Payload() body: SetChargerConfigurationRequest): Promise<ServiceReply<ChargerConfigurationView>> {
    return this.service.setCharger(body);
  }

  @Answers(verbs.chargerConfigurationHistory)
  history(@Payload() body: { chargerId: string; limit?: number }): Promise<ServiceReply<{ chargerId: string; items: AuditView[] }>> {
    return this.service.history(body.chargerId, body.limit);
  }

  @Answers(verbs.getGroupConfiguration)
  getGroup(@Payload() body: { group: string }): Promise<ServiceReply<LevelView>> {
    return this.service.getLevel('group', body.group);
  }

  @Answers(verbs.setGroupConfiguration)
  setGroup(@Payload() body: SetGroupConfigurationRequest): Promise<ServiceReply<LevelView>> {
    return this.service.setGroup(body);
  }

  @Answers(verbs.setGroupMembers)
  setMembers(@Payload() body: SetGroupMembersRequest): Promise<ServiceReply<LevelView>> {
    return this.service.setGroupMembers(body);
  }

  @Answers(verbs.getFleetConfiguration)
  getFleet(): Promise<ServiceReply<LevelView>> {
    return this.service.getLevel('fleet');
  }

  @Answers(verbs.setFleetConfiguration)
  setFleet(@Payload() body: SetFleetConfigurationRequest): Promise<ServiceReply<LevelView>> {
    return this.service.setFleet(body);
  }

  @Answers(verbs.getModelConfiguration)
  getModel(@Payload() body: { model: string }): Promise<ServiceReply<LevelView>> {
    return this.service.getLevel('model', body.model);
  }

  @Answers(verbs.setModelConfiguration)
  setModel(@Payload() body: SetModelConfigurationRequest): Promise<ServiceReply<LevelView>> {
    return this.service.setModel(body);
  }

  @Answers(verbs.recordCommandChange)
  recordCommandChange(@Payload() body: RecordCommandChangeRequest): Promise<ServiceReply<RecordCommandChangeView>> {
    return this.service.recordCommandChange(body);
  }

  @Answers(verbs.retryRefusedConfiguration)
  retryRefused(@Payload() body: RetryRefusedRequest): Promise<ServiceReply<ChargerConfigurationView>> {
    return this.service.retryRefused(body);
  }

  @Answers(verbs.profiles)
  profiles(): ServiceReply<ProfilesView> {
    return ok(profilesView());
  }
}
