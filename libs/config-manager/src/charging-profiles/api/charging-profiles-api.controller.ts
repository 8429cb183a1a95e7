import { Body, Controller, Delete, Get, Inject, Param, Put, Query } from '@nestjs/common';
import { ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsOptional } from 'class-validator';
import { BUS, type Bus } from '#csms/bus';
import {
  ApiErrors,
  ApiOk,
  ApiV1,
  auditActor,
  call,
  ChargerIdPath,
  CurrentCaller,
  PlainText,
  requireCapability,
  S,
  WholeNumber,
  type ApiCaller,
} from '#csms/http';
import type { ChargerProfilesView, CompositeScheduleView, GroupProfilesView } from '../charging-profiles.service.js';
import { MAX_COMPOSITE_DURATION_S } from '../charging-profiles.service.js';
import { MAX_PROFILES_PER_LEVEL, SITE_LIMIT_PROFILE_ID_MIN } from '../types.js';
import * as configManager from '../../verbs.js';

class GroupNamePath {
  @PlainText(100)
  name!: string;
}
class ChargerProfilePath extends ChargerIdPath {
  // Ids from SITE_LIMIT_PROFILE_ID_MIN up are the site limits' (docs/charging-profiles.md#reserved-profile-ids).
  @WholeNumber(1, SITE_LIMIT_PROFILE_ID_MIN - 1)
  chargingProfileId!: number;
}
class GroupProfilePath extends GroupNamePath {
  @WholeNumber(1, SITE_LIMIT_PROFILE_ID_MIN - 1)
  chargingProfileId!: number;
}
class CompositeQuery {
  @IsOptional()
  @WholeNumber(0, 1000)
  connectorId?: number;

  @IsOptional()
  @WholeNumber(1, MAX_COMPOSITE_DURATION_S)
  duration?: number;
}

/** Body of PUT .../charging-profiles: the whole set of the level. Each item is checked by config-manager, which names the field and rule. */
export class ChargingProfilesBody {
  @ApiProperty({
    type: 'array',
    maxItems: MAX_PROFILES_PER_LEVEL,
    items: { type: 'object', description: 'A SetChargingProfile.req payload: { connectorId, csChargingProfiles }' },
    example: [
      {
        connectorId: 0,
        csChargingProfiles: {
          chargingProfileId: 100,
          stackLevel: 0,
          chargingProfilePurpose: 'ChargePointMaxProfile',
          chargingProfileKind: 'Absolute',
          chargingSchedule: { startSchedule: '2026-01-01T00:00:00Z', chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 16 }] },
        },
      },
    ],
  })
  @IsArray()
  @ArrayMaxSize(MAX_PROFILES_PER_LEVEL)
  profiles!: unknown[];
}

const PROFILE = S.obj({
  scope: S.enum(['group', 'charger']),
  scopeId: S.str,
  connectorId: S.int,
  csChargingProfiles: S.any,
  updatedAt: S.time,
  updatedBy: S.str,
});
const STATE = S.obj({ chargingProfileId: S.int, outcome: S.str, message: S.nullable(S.str), at: S.time });
const CHARGER_VIEW = S.obj(
  {
    chargerId: S.str,
    group: S.nullable(S.str),
    applicable: S.bool,
    profiles: S.arr({ ...PROFILE, properties: { ...PROFILE.properties, shadowed: S.bool, state: S.nullable(STATE), inSync: S.bool } }),
    removals: S.arr(STATE),
    reason: S.str,
  },
  ['reason'],
);
const GROUP_VIEW = S.obj({ group: S.str, members: S.arr(S.str), profiles: S.arr(PROFILE), outcomes: S.map(S.arr(STATE)) });
const COMPOSITE_VIEW = S.obj(
  {
    chargerId: S.str,
    connectorId: S.int,
    duration: S.int,
    chargingRateUnit: S.enum(['A', 'W']),
    reported: S.nullable(S.any),
    expected: S.arr(S.obj({ startPeriod: S.int, limit: S.num })),
    notCompared: S.arr(S.int),
    drift: S.obj({ state: S.enum(['in-sync', 'limited-further', 'drift', 'unknown']), differences: S.arr(S.any) }),
    error: S.str,
  },
  ['error'],
);

/** Desired charging profiles (docs/charging-profiles.md). Runs in the gateway: only asks config-manager over the bus. */
@ApiTags('charging-profiles')
@ApiV1()
@Controller('api/v1')
export class ChargingProfilesApiController {
  constructor(@Inject(BUS) private readonly bus: Bus) {}

  @Get('chargers/:id/charging-profiles')
  @ApiOperation({ summary: "The charger's desired charging profiles (its group's and its own) with what it last answered for each" })
  @ApiOk(CHARGER_VIEW)
  @ApiErrors([400, 404])
  getCharger(@Param() { id: chargerId }: ChargerIdPath): Promise<ChargerProfilesView> {
    return call(this.bus, configManager.getChargerChargingProfiles, { chargerId });
  }

  @Put('chargers/:id/charging-profiles')
  @ApiOperation({ summary: "Make these the charger's own desired profiles; sent at once when connected, else at its next connect" })
  @ApiOk(CHARGER_VIEW)
  @ApiErrors([400, 404, 422], { 422: 'A profile breaks a rule (field and rule named), or the model lacks SmartCharging: not_supported_by_model' })
  async setCharger(
    @Param() { id: chargerId }: ChargerIdPath,
    @Body() body: ChargingProfilesBody,
    @CurrentCaller() caller?: ApiCaller,
  ): Promise<ChargerProfilesView> {
    await requireCapability(this.bus, chargerId, 'SetChargingProfile', 'chargerId');
    return call(this.bus, configManager.setChargerChargingProfiles, { chargerId, profiles: body.profiles, actor: auditActor(caller) });
  }

  @Delete('chargers/:id/charging-profiles')
  @ApiOperation({ summary: "Remove the charger's own desired profiles (ClearChargingProfile by id; its group's stay)" })
  @ApiOk(CHARGER_VIEW)
  @ApiErrors([400, 404])
  deleteCharger(@Param() { id: chargerId }: ChargerIdPath): Promise<ChargerProfilesView> {
    return call(this.bus, configManager.deleteChargerChargingProfiles, { chargerId });
  }

  @Delete('chargers/:id/charging-profiles/:chargingProfileId')
  @ApiOperation({ summary: "Remove one of the charger's own desired profiles" })
  @ApiOk(CHARGER_VIEW)
  @ApiErrors([400, 404])
  deleteChargerOne(@Param() { id: chargerId, chargingProfileId }: ChargerProfilePath): Promise<ChargerProfilesView> {
    return call(this.bus, configManager.deleteChargerChargingProfiles, { chargerId, chargingProfileId });
  }

  @Get('chargers/:id/charging-profiles/composite-schedule')
  @ApiOperation({ summary: 'Ask the charger for its composite schedule (GetCompositeSchedule) and compare it with the desired profiles (drift)' })
  @ApiOk(COMPOSITE_VIEW)
  @ApiErrors([400, 404, 409, 422], { 409: 'The charger is not connected: charger_not_connected', 422: 'The model lacks SmartCharging: not_supported_by_model' })
  async composite(@Param() { id: chargerId }: ChargerIdPath, @Query() query: CompositeQuery): Promise<CompositeScheduleView> {
    await requireCapability(this.bus, chargerId, 'GetCompositeSchedule', 'chargerId');
    return call(this.bus, configManager.compositeSchedule, { chargerId, connectorId: query.connectorId ?? 0, duration: query.duration ?? 3600 });
  }

  @Get('groups/:name/charging-profiles')
  @ApiOperation({ summary: "The group's desired charging profiles and each member's outcome" })
  @ApiOk(GROUP_VIEW)
  @ApiErrors([400, 404])
  getGroup(@Param() { name: group }: GroupNamePath): Promise<GroupProfilesView> {
    return call(this.bus, configManager.getGroupChargingProfiles, { group });
  }

  @Put('groups/:name/charging-profiles')
  @ApiOperation({ summary: "Make these the group's desired profiles (group created when new); checked against every member's limits" })
  @ApiOk(GROUP_VIEW)
  @ApiErrors([400, 422], { 422: 'A profile breaks a rule for a member (field and rule named)' })
  setGroup(@Param() { name: group }: GroupNamePath, @Body() body: ChargingProfilesBody, @CurrentCaller() caller?: ApiCaller): Promise<GroupProfilesView> {
    return call(this.bus, configManager.setGroupChargingProfiles, { group, profiles: body.profiles, actor: auditActor(caller) });
  }

  @Delete('groups/:name/charging-profiles')
  @ApiOperation({ summary: "Remove the group's desired profiles (ClearChargingProfile by id on every member)" })
  @ApiOk(GROUP_VIEW)
  @ApiErrors([400, 404])
  deleteGroup(@Param() { name: group }: GroupNamePath): Promise<GroupProfilesView> {
    return call(this.bus, configManager.deleteGroupChargingProfiles, { group });
  }

  @Delete('groups/:name/charging-profiles/:chargingProfileId')
  @ApiOperation({ summary: "Remove one of the group's desired profiles" })
  @ApiOk(GROUP_VIEW)
  @ApiErrors([400, 404])
  deleteGroupOne(@Param() { name: group, chargingProfileId }: GroupProfilePath): Promise<GroupProfilesView> {
    return call(this.bus, configManager.deleteGroupChargingProfiles, { group, chargingProfileId });
  }
}
