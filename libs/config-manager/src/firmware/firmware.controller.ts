import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { Answers, subjects, type ChargerMessage, type DurableMessage } from '#csms/bus';
import type { ServiceReply } from '#csms/http';
import type { FirmwareStatusNotificationRequest, SignedFirmwareStatusNotificationRequest } from '#csms/ocpp';
import { FirmwareCampaignService, type CampaignRecord, type CreateCampaignRequest } from './campaigns.service.js';
import { FirmwareCampaignEngine } from './engine.js';
import type { CampaignView } from './store.js';
import * as verbs from '../verbs.js';

/** `api.config-manager.*FirmwareCampaign*` (one replica each) and the chargers' (Signed)FirmwareStatusNotifications. */
@Controller()
export class FirmwareCampaignsBusController {
  constructor(
    @Inject(FirmwareCampaignService) private readonly service: FirmwareCampaignService,
    @Inject(FirmwareCampaignEngine) private readonly engine: FirmwareCampaignEngine,
  ) {}

  @Answers(verbs.createFirmwareCampaign)
  create(@Payload() body: CreateCampaignRequest): Promise<ServiceReply<CampaignRecord>> {
    return this.service.create(body);
  }

  @Answers(verbs.listFirmwareCampaigns)
  list(
    @Payload() body: { state?: string; limit?: number; offset?: number },
  ): Promise<ServiceReply<{ items: CampaignView[]; total: number; limit: number; offset: number }>> {
    return this.service.list(body);
  }

  @Answers(verbs.getFirmwareCampaign)
  get(@Payload() body: { campaignId: string; state?: string; limit?: number; offset?: number }): Promise<ServiceReply<CampaignRecord>> {
    return this.service.get(body);
  }

  @Answers(verbs.pauseFirmwareCampaign)
  pause(@Payload() body: { campaignId: string; note?: string }): Promise<ServiceReply<CampaignRecord>> {
    return this.service.pause(body.campaignId, body.note);
  }

  @Answers(verbs.resumeFirmwareCampaign)
  resume(@Payload() body: { campaignId: string }): Promise<ServiceReply<CampaignRecord>> {
    return this.service.resume(body.campaignId);
  }

  @Answers(verbs.cancelFirmwareCampaign)
  cancel(@Payload() body: { campaignId: string; actor: string }): Promise<ServiceReply<CampaignRecord>> {
    return this.service.cancel(body.campaignId, body.actor);
  }

  @EventPattern<string>(subjects.eventsOf('FirmwareStatusNotification'), { durable: 'config-manager-firmware-status', maxBatch: 200, maxWaitMs: 20 })
  async firmwareStatus(batch: Array<DurableMessage<ChargerMessage<FirmwareStatusNotificationRequest>>>): Promise<void> {
    // In order per charger: one charger's Downloading and Downloaded may share a batch.
    for (const m of batch) await this.engine.onFirmwareStatus(m.data.chargerId, m.data.payload.status);
  }

  @EventPattern<string>(subjects.eventsOf('SignedFirmwareStatusNotification'), {
    durable: 'config-manager-signed-firmware-status',
    maxBatch: 200,
    maxWaitMs: 20,
  })
  async signedFirmwareStatus(batch: Array<DurableMessage<ChargerMessage<SignedFirmwareStatusNotificationRequest>>>): Promise<void> {
    for (const m of batch) await this.engine.onFirmwareStatus(m.data.chargerId, m.data.payload.status, m.data.payload.requestId);
  }
}
