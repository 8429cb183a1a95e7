import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Put } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { BUS, type Bus } from '#csms/bus';
import { ApiErrors, ApiOk, ApiV1, auditActor, call, CurrentCaller, PlainText, S, type ApiCaller } from '#csms/http';
import type { SiteLimitRemoved, SiteLimitView } from '../site-limits.service.js';
import { SiteLimitBody } from './site-limit.body.js';
import * as configManager from '../../verbs.js';

/** `:name` of /api/v1/groups/:name (a configuration group, 1 to 100 characters). */
class GroupNamePath {
  @PlainText(100)
  name!: string;
}

const PHASES = S.map(S.num);
const CHARGER = S.obj({
  chargerId: S.str,
  limitable: S.bool,
  reason: S.nullable(S.str),
  fallback: S.nullable(S.obj({ limitA: S.int, outcome: S.str, sentAt: S.time })),
  session: S.nullable(
    S.obj({
      connectorId: S.int,
      transactionId: S.int,
      startedAt: S.time,
      state: S.enum(['new', 'charging', 'waiting']),
      offeredA: S.nullable(S.num),
      offeredAt: S.nullable(S.time),
      selfLimited: S.bool,
      measured: S.nullable(PHASES),
      measuredAt: S.nullable(S.time),
      lastError: S.nullable(S.str),
    }),
  ),
});
const VIEW = S.obj({
  group: S.str,
  limitA: S.num,
  rotationMinutes: S.int,
  fallbackA: S.int,
  members: S.int,
  activeCars: S.int,
  chargingCars: S.int,
  waitingCars: S.int,
  allocatedA: S.num,
  measuredA: S.num,
  unlimitable: S.arr(S.obj({ chargerId: S.str, reason: S.str })),
  chargers: S.arr(CHARGER),
  allocatedAt: S.nullable(S.time),
  updatedBy: S.nullable(S.str),
  createdAt: S.time,
  updatedAt: S.time,
});

/** Site limits of configuration groups (docs/site-limits.md). Runs in the gateway: only asks config-manager over the bus. */
@ApiTags('site-limits')
@ApiV1()
@Controller('api/v1/groups')
export class SiteLimitsApiController {
  constructor(@Inject(BUS) private readonly bus: Bus) {}

  @Get(':name/site-limit')
  @ApiOperation({ summary: "A group's site limit: active cars, each charger's share, fallback and last measured currents" })
  @ApiOk(VIEW)
  @ApiErrors([400, 404], { 404: 'No such group or no site limit: no_site_limit' })
  get(@Param() { name }: GroupNamePath): Promise<SiteLimitView> {
    return call(this.bus, configManager.getSiteLimit, { group: name });
  }

  @Put(':name/site-limit')
  @ApiOperation({ summary: 'Set the site limit of a group (amperes per phase): fallback TxDefaultProfiles first, then a share per running transaction' })
  @ApiOk(VIEW)
  @ApiErrors([400, 404], { 404: 'No such group: unknown_group' })
  put(@Param() { name }: GroupNamePath, @Body() body: SiteLimitBody, @CurrentCaller() caller?: ApiCaller): Promise<SiteLimitView> {
    return call(this.bus, configManager.putSiteLimit, { group: name, ...body, actor: auditActor(caller) });
  }

  @Delete(':name/site-limit')
  @HttpCode(200)
  @ApiOperation({ summary: "Remove a group's site limit and clear its charging profiles from the members" })
  @ApiOk(S.obj({ group: S.str, cleared: S.arr(S.obj({ chargerId: S.str, outcome: S.str })) }))
  @ApiErrors([400, 404], { 404: 'The group has no site limit: no_site_limit' })
  remove(@Param() { name }: GroupNamePath): Promise<SiteLimitRemoved> {
    return call(this.bus, configManager.removeSiteLimit, { group: name });
  }
}
