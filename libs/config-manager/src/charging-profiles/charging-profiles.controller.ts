import { Controller, Inject } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { Answers } from '#csms/bus';
import type { ServiceReply } from '#csms/http';
import {
  ChargingProfilesService,
  type ChargerProfilesView,
  type CompositeScheduleView,
  type DeleteProfilesRequest,
  type GroupProfilesView,
  type SetProfilesRequest,
} from './charging-profiles.service.js';
import * as verbs from '../verbs.js';

/** `api.config-manager.*ChargingProfiles` and `compositeSchedule` (one replica each). */
@Controller()
export class ChargingProfilesController {
  constructor(@Inject(ChargingProfilesService) private readonly service: ChargingProfilesService) {}

  @Answers(verbs.getChargerChargingProfiles)
  getCharger(@Payload() body: { chargerId: string }): Promise<ServiceReply<ChargerProfilesView>> {
    return this.service.getCharger(body.chargerId);
  }

  @Answers(verbs.setChargerChargingProfiles)
  setCharger(@Payload() body: SetProfilesRequest): Promise<ServiceReply<ChargerProfilesView>> {
    return this.service.setCharger(body);
  }

  @Answers(verbs.deleteChargerChargingProfiles)
  deleteCharger(@Payload() body: DeleteProfilesRequest): Promise<ServiceReply<ChargerProfilesView>> {
    return this.service.deleteCharger(body);
  }

  @Answers(verbs.getGroupChargingProfiles)
  getGroup(@Payload() body: { group: string }): Promise<ServiceReply<GroupProfilesView>> {
    return this.service.getGroup(body.group);
  }

  @Answers(verbs.setGroupChargingProfiles)
  setGroup(@Payload() body: SetProfilesRequest): Promise<ServiceReply<GroupProfilesView>> {
    return this.service.setGroup(body);
  }

  @Answers(verbs.deleteGroupChargingProfiles)
  deleteGroup(@Payload() body: DeleteProfilesRequest): Promise<ServiceReply<GroupProfilesView>> {
    return this.service.deleteGroup(body);
  }

  @Answers(verbs.compositeSchedule)
  compositeSchedule(@Payload() body: { chargerId: string; connectorId: number; duration: number }): Promise<ServiceReply<CompositeScheduleView>> {
    return this.service.compositeSchedule(body);
  }
}
