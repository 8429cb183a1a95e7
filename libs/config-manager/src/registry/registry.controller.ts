import { Controller, Inject, Logger } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { Answers, BUS, subjects, type Bus, type ConnectionEvent, type DurableMessage, type SeenBatch } from '#csms/bus';
import type { ServiceReply } from '#csms/http';
import type { ChargerSummary } from './charger-summary.js';
import { ConnectionsService } from './connections.service.js';
import {
  RegistryService,
  type ChargerPage,
  type GetChargerRequest,
  type ListChargersRequest,
  type RegistryFleetFigures,
  type SetBootPolicyRequest,
  type SetModelRequest,
} from './registry.service.js';
import * as verbs from '../verbs.js';

/** Connection facts in, registry answers out (`api.registry.*`). */
@Controller()
export class RegistryController {
  private readonly log = new Logger('RegistryController');

  constructor(
    @Inject(ConnectionsService) private readonly connections: ConnectionsService,
    @Inject(RegistryService) private readonly registry: RegistryService,
    @Inject(BUS) private readonly bus: Bus,
  ) {}

  /** Throwing leaves the batch un-acked, so it is redelivered; the writes are idempotent. */
  @EventPattern<string>(subjects.allConnections, { durable: 'config-manager-connections', maxBatch: 500, maxWaitMs: 20 })
  async connectionEvents(@Payload() batch: DurableMessage<ConnectionEvent>[]): Promise<void> {
    await this.connections.applyConnectionEvents(batch);
  }

  /** Core NATS, not durable: a lost batch only delays last_seen until the gateway's next one. */
  @EventPattern<string>(subjects.seen)
  async seen(@Payload() batch: SeenBatch): Promise<void> {
    try {
      await this.connections.applySeen(batch);
    } catch (err) {
      this.log.warn(`last-seen batch from ${batch.gatewayId} not stored: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  @Answers(verbs.listChargers)
  list(@Payload() body: ListChargersRequest): Promise<ServiceReply<ChargerPage>> {
    return this.registry.list(body ?? {});
  }

  @Answers(verbs.registryFleetFigures)
  fleetFigures(): Promise<ServiceReply<RegistryFleetFigures>> {
    return this.registry.fleetFigures();
  }

  @Answers(verbs.getCharger)
  get(@Payload() body: GetChargerRequest): Promise<ServiceReply<ChargerSummary>> {
    return this.registry.get(body);
  }

  @Answers(verbs.setChargerModel)
  async setModel(@Payload() body: SetModelRequest): Promise<ServiceReply<ChargerSummary>> {
    const reply = await this.registry.setModel(body);
    // The model decides the capabilities: gateways drop the copy they keep before the caller hears it changed
    // (docs/benchmarks.md#commands-one-hop).
    if (reply.ok)
      await this.bus
        .publish(subjects.registryChanged(reply.data.id), { chargerId: reply.data.id })
        .catch((err: Error) => this.log.warn(`registry change of ${reply.data.id} not announced: ${err.message}`));
    return reply;
  }

  @Answers(verbs.setBootPolicy)
  setBootPolicy(@Payload() body: SetBootPolicyRequest): Promise<ServiceReply<ChargerSummary>> {
    return this.registry.setBootPolicy(body);
  }
}
