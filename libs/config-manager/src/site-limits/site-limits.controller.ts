import { Controller, Inject } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { Answers } from '#csms/bus';
import type { ServiceReply } from '#csms/http';
import { SiteLimitService, type PutSiteLimitRequest, type SiteLimitRemoved, type SiteLimitView } from './site-limits.service.js';
import * as verbs from '../verbs.js';

/** `api.config-manager.*SiteLimit` (one replica each). */
@Controller()
export class SiteLimitsBusController {
  constructor(@Inject(SiteLimitService) private readonly service: SiteLimitService) {}

  @Answers(verbs.getSiteLimit)
  get(@Payload() body: { group: string }): Promise<ServiceReply<SiteLimitView>> {
    return this.service.get(body.group);
  }

  @Answers(verbs.putSiteLimit)
  put(@Payload() body: PutSiteLimitRequest): Promise<ServiceReply<SiteLimitView>> {
    return this.service.put(body);
  }

  @Answers(verbs.removeSiteLimit)
  remove(@Payload() body: { group: string }): Promise<ServiceReply<SiteLimitRemoved>> {
    return this.service.remove(body.group);
  }
}
