import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { BUS, type Bus } from '#csms/bus';
import { ApiErrors, ApiOk, ApiV1, auditActor, call, CurrentCaller, PageLimit, PageOffset, S, type ApiCaller } from '#csms/http';
import { MAX_CAMPAIGN_PAGE, type CampaignRecord } from '../campaigns.service.js';
import { CAMPAIGN_CHARGER_STATES, CAMPAIGN_STATES } from '../rollout.js';
import type { CampaignView } from '../store.js';
import { CampaignActionBody, CreateCampaignBody } from './create-campaign.body.js';
import * as configManager from '../../verbs.js';

class CampaignIdPath {
  @IsUUID('all', { message: '$property must be a campaign id (UUID)' })
  id!: string;
}

class ListCampaignsQuery {
  @ApiPropertyOptional({ enum: [...CAMPAIGN_STATES] })
  @IsOptional()
  @IsIn([...CAMPAIGN_STATES])
  state?: string;

  @PageLimit(MAX_CAMPAIGN_PAGE)
  limit?: number;

  @PageOffset()
  offset?: number;
}

class CampaignChargersQuery {
  @ApiPropertyOptional({ enum: [...CAMPAIGN_CHARGER_STATES], description: 'Only the chargers in this state' })
  @IsOptional()
  @IsIn([...CAMPAIGN_CHARGER_STATES])
  state?: string;

  @PageLimit(MAX_CAMPAIGN_PAGE)
  limit?: number;

  @PageOffset()
  offset?: number;
}

const CAMPAIGN = S.obj({
  campaignId: S.str,
  target: S.any,
  targetVersion: S.str,
  location: S.str,
  retrieveDate: S.time,
  retries: S.nullable(S.int),
  retryInterval: S.nullable(S.int),
  signedFirmware: S.nullable(S.any),
  policy: S.any,
  state: S.enum(CAMPAIGN_STATES),
  pausedReason: S.nullable(S.any),
  acceptedWave: S.int,
  createdBy: S.nullable(S.str),
  createdAt: S.time,
  updatedAt: S.time,
});
const CHARGER = S.obj({
  chargerId: S.str,
  wave: S.nullable(S.int),
  state: S.enum(CAMPAIGN_CHARGER_STATES),
  reason: S.nullable(S.str),
  commandId: S.nullable(S.str),
  requestId: S.nullable(S.int),
  lastStatus: S.nullable(S.str),
  attempts: S.int,
  startedAt: S.nullable(S.time),
  stateAt: S.time,
  finishedAt: S.nullable(S.time),
});
const RECORD = {
  ...CAMPAIGN,
  properties: { ...CAMPAIGN.properties, counts: S.map(S.int), chargers: S.page(CHARGER) },
  required: [...(CAMPAIGN.required ?? []), 'counts', 'chargers'],
};

/**
 * Firmware campaigns (docs/api-firmware-campaigns.md). Runs in the gateway: only asks config-manager over the bus.
 */
@ApiTags('firmware')
@ApiV1()
@Controller('api/v1/firmware-campaigns')
export class FirmwareCampaignsApiController {
  constructor(@Inject(BUS) private readonly bus: Bus) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary: 'Start a firmware campaign: UpdateFirmware (or SignedUpdateFirmware) to the target chargers in waves, through the queued-command queue',
  })
  @ApiOk(RECORD, 201)
  @ApiErrors([400, 422], { 422: 'The target matches no known charger: no_chargers' })
  create(@Body() body: CreateCampaignBody, @CurrentCaller() caller?: ApiCaller): Promise<CampaignRecord> {
    return call(this.bus, configManager.createFirmwareCampaign, { ...body, createdBy: auditActor(caller) });
  }

  @Get()
  @ApiOperation({ summary: 'Firmware campaigns, newest first' })
  @ApiOk(S.page(CAMPAIGN))
  @ApiErrors([400])
  list(@Query() query: ListCampaignsQuery): Promise<{ items: CampaignView[] }> {
    return call(this.bus, configManager.listFirmwareCampaigns, { ...query });
  }

  @Get(':id')
  @ApiOperation({ summary: 'One campaign: per-state counts and a page of its chargers' })
  @ApiParam({ name: 'id', schema: { type: 'string', format: 'uuid' } })
  @ApiOk(RECORD)
  @ApiErrors([400, 404])
  get(@Param() { id }: CampaignIdPath, @Query() query: CampaignChargersQuery): Promise<CampaignRecord> {
    return call(this.bus, configManager.getFirmwareCampaign, { campaignId: id, ...query });
  }

  @Post(':id/pause')
  @HttpCode(200)
  @ApiOperation({ summary: 'Pause a running campaign (chargers already updating go on)' })
  @ApiParam({ name: 'id', schema: { type: 'string', format: 'uuid' } })
  @ApiOk(RECORD)
  @ApiErrors([400, 404, 409], { 409: 'The campaign is not running: invalid_campaign_state' })
  pause(@Param() { id }: CampaignIdPath, @Body() body: CampaignActionBody): Promise<CampaignRecord> {
    return call(this.bus, configManager.pauseFirmwareCampaign, { campaignId: id, ...(body.note ? { note: body.note } : {}) });
  }

  @Post(':id/resume')
  @HttpCode(200)
  @ApiOperation({ summary: 'Resume a paused campaign, past the wave that paused it' })
  @ApiParam({ name: 'id', schema: { type: 'string', format: 'uuid' } })
  @ApiOk(RECORD)
  @ApiErrors([400, 404, 409], { 409: 'The campaign is not paused: invalid_campaign_state' })
  resume(@Param() { id }: CampaignIdPath, @Body() _body: CampaignActionBody): Promise<CampaignRecord> {
    return call(this.bus, configManager.resumeFirmwareCampaign, { campaignId: id });
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel: pending chargers and still-queued UpdateFirmware commands are cancelled' })
  @ApiParam({ name: 'id', schema: { type: 'string', format: 'uuid' } })
  @ApiOk(RECORD)
  @ApiErrors([400, 404, 409], { 409: 'The campaign is completed or cancelled: invalid_campaign_state' })
  cancel(@Param() { id }: CampaignIdPath, @Body() _body: CampaignActionBody, @CurrentCaller() caller?: ApiCaller): Promise<CampaignRecord> {
    return call(this.bus, configManager.cancelFirmwareCampaign, { campaignId: id, actor: auditActor(caller) });
  }
}
