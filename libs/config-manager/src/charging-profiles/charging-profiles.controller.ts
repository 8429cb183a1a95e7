import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { ServiceReply } from '#csms/http';
import {
  ChargingProfilesService,
  type ChargerProfilesView,
  type CompositeScheduleView,
  type DeleteProfilesRequest,
  type GroupProfilesView,
  type SetProfilesRequest,
} from './charging-profiles.service.js';
import { PROFILE_VERBS } from './verbs.js';

@Controller()
export class ChargingProfilesController {
  constructor(@Inject(ChargingProfilesService) private readonly service: ChargingProfilesService) {}

  @MessagePattern(PROFILE_VERBS.getCharger, { queue: 'config-manager' })
  getCharger(@Payload() body: { chargerId: string }): Promise<ServiceReply<ChargerProfilesView>> {
    return this.service.getCharger(body.chargerId);
  }

  @MessagePattern(PROFILE_VERBS.setCharger, { queue: 'config-manager' })
  setCharger(@Payload() body: SetProfilesRequest): Promise<ServiceReply<ChargerProfilesView>> {
    return this.service.setCharger(body);
  }

  @MessagePattern(PROFILE_VERBS.deleteCharger, { queue: 'config-manager' })
  deleteCharger(@Payload() body: DeleteProfilesRequest): Promise<ServiceReply<ChargerProfilesView>> {
    return this.service.deleteCharger(body);
  }

  @MessagePattern(PROFILE_VERBS.getGroup, { queue: 'config-manager' })
  getGroup(@Payload() body: { group: string }): Promise<ServiceReply<GroupProfilesView>> {
    return this.service.getGroup(body.group);
  }

  @MessagePattern(PROFILE_VERBS.setGroup, { queue: 'config-manager' })
  setGroup(@Payload() body: SetProfilesRequest): Promise<ServiceReply<GroupProfilesView>> {
    return this.service.setGroup(body);
  }

  @MessagePattern(PROFILE_VERBS.deleteGroup, { queue: 'config-manager' })
  deleteGroup(@Payload() body: DeleteProfilesRequest): Promise<ServiceReply<GroupProfilesView>> {
    return this.service.deleteGroup(body);
  }

  @MessagePattern(PROFILE_VERBS.compositeSchedule, { queue: 'config-manager' })
  compositeSchedule(@Payload() body: { chargerId: string; connectorId: number; duration: number }): Promise<ServiceReply<CompositeScheduleView>> {
    return this.service.compositeSchedule(body);
  }
}
