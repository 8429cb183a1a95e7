import { Controller, Inject } from '@nestjs/common';
import { Answers, type ChargerMessage, type ChargerReply } from '#csms/bus';
import { ok, refuse, type ServiceReply } from '#csms/http';
import type { AuthorizeRequest, AuthorizeResponse } from '#csms/ocpp';
import { IdTagsService, type StartKey, type StartVerdict } from './id-tags.service.js';
import * as verbs from './verbs.js';

/** Driver authorization: Authorize from chargers, idTagInfo for metering's StartTransaction. */
@Controller()
export class DriverAuthController {
  constructor(@Inject(IdTagsService) private readonly idTags: IdTagsService) {}

  @Answers(verbs.authorize)
  async authorize(msg: ChargerMessage<AuthorizeRequest>): Promise<ChargerReply<AuthorizeResponse>> {
    return { result: { idTagInfo: await this.idTags.idTagInfo(msg.payload.idTag) } };
  }

  @Answers(verbs.idTagInfoForStart)
  async idTagInfoForStart(body: {
    chargerId: string;
    idTag: string;
    connectorId?: number;
    timestamp?: string;
    reservationId?: number;
  }): Promise<ServiceReply<StartVerdict>> {
    if (typeof body?.chargerId !== 'string' || typeof body.idTag !== 'string') {
      return refuse(400, 'validation_failed', 'chargerId and idTag must be strings');
    }
    // The start's key is optional: a metering from before it asked auth first
    // (docs/reference/design-decisions.md#starttransaction-with-its-verdict) does not send it.
    const start: StartKey | undefined =
      Number.isInteger(body.connectorId) && typeof body.timestamp === 'string'
        ? {
            connectorId: body.connectorId as number,
            timestamp: body.timestamp,
            ...(Number.isInteger(body.reservationId) ? { reservationId: body.reservationId } : {}),
          }
        : undefined;
    return ok(await this.idTags.idTagInfoForStart(body.chargerId, body.idTag, start));
  }
}
