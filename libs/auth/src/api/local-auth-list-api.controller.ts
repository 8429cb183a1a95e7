import { Body, Controller, Get, Inject, Param, Put } from '@nestjs/common';
import { BUS, type Bus } from '#csms/bus';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, ApiOk, ApiV1, call, ChargerIdPath } from '#csms/http';
import { LOCAL_LIST_SCHEMA } from './openapi-schemas.js';
import { SetLocalAuthListGroupDto } from '../dto/local-auth-list.dto.js';
import type { LocalListState } from '../local-auth-list.store.js';
import * as auth from '../verbs.js';

/** The charger's local authorization list. Runs in the gateway: it only asks auth over the bus. */
@ApiTags('chargers')
@ApiV1()
@Controller('api/v1/chargers')
export class LocalAuthListApiController {
  constructor(@Inject(BUS) private readonly bus: Bus) {}

  @Get(':id/local-auth-list')
  @ApiOperation({ summary: "The charger's local authorization list: its group, version and the last update's outcome" })
  @ApiOk(LOCAL_LIST_SCHEMA)
  @ApiErrors([400, 404])
  get(@Param() { id: chargerId }: ChargerIdPath): Promise<LocalListState> {
    return call(this.bus, auth.getLocalAuthList, { chargerId });
  }

  /** Answers with the stored group at once; the Full update follows (GET shows its outcome). */
  @Put(':id/local-auth-list')
  @ApiOperation({ summary: "Make the tags of an idTag group the charger's local list (null: none); a Full update follows" })
  @ApiOk(LOCAL_LIST_SCHEMA)
  @ApiErrors([400, 404])
  setGroup(@Param() { id: chargerId }: ChargerIdPath, @Body() body: SetLocalAuthListGroupDto): Promise<LocalListState> {
    return call(this.bus, auth.setLocalAuthListGroup, { chargerId, group: body.group });
  }
}
