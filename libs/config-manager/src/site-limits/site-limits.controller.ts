import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { subjects } from '#csms/bus';
import type { ServiceReply } from '#csms/http';
import { SiteLimitService, type PutSiteLimitRequest, type SiteLimitView } from './site-limits.service.js';

/** `api.config-manager.*SiteLimit` (one replica each). */
@Controller()
export class SiteLimitsBusController {
  constructor(@Inject(SiteLimitService) private readonly service: SiteLimitService) {}

  @MessagePattern(subjects.siteLimits.get, { queue: 'config-manager' })
  get(@Payload() body: { group: string }): Promise<ServiceReply<SiteLimitView>> {
    return this.service.get(body.group);
  }

  @MessagePattern(subjects.siteLimits.put, { queue: 'config-manager' })
  put(@Payload() body: PutSiteLimitRequest): Promise<ServiceReply<SiteLimitView>> {
    return this.service.put(body);
  }

  @MessagePattern(subjects.siteLimits.remove, { queue: 'config-manager' })
  remove(@Payload() body: { group: string }): Promise<ServiceReply<{ group: string; cleared: Array<{ chargerId: string; outcome: string }> }>> {
    return this.service.remove(body.group);
  }
}
