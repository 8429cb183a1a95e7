import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Put, Query } from '@nestjs/common';
import { BUS, type Bus } from '#csms/bus';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiDone, ApiErrors, ApiOk, ApiV1, S, call } from '#csms/http';
import { ID_TAG_SCHEMA } from './openapi-schemas.js';
import { CreateIdTagDto, IdTagFieldsDto, IdTagListQueryDto, IdTagPath } from '../dto/id-tag.dto.js';
import type { IdTagView } from '../id-tags.service.js';
import * as auth from '../verbs.js';

/** Drivers' idTags. Runs in the gateway: it only asks auth over the bus. */
@ApiTags('id-tags')
@ApiV1()
@Controller('api/v1/id-tags')
export class IdTagsApiController {
  constructor(@Inject(BUS) private readonly bus: Bus) {}

  @Post()
  @ApiOperation({ summary: "Add a driver's idTag" })
  @ApiOk(ID_TAG_SCHEMA, 201, 'Created')
  @ApiErrors([400, 409], { 409: 'The idTag exists' })
  create(@Body() body: CreateIdTagDto): Promise<IdTagView> {
    return call(this.bus, auth.createIdTag, { ...body });
  }

  @Get()
  @ApiOperation({ summary: 'idTags, paged; filter by group' })
  @ApiOk(S.page(ID_TAG_SCHEMA))
  @ApiErrors([400])
  list(@Query() query: IdTagListQueryDto): Promise<{ items: IdTagView[]; total: number; limit: number; offset: number }> {
    return call(this.bus, auth.listIdTags, { ...query });
  }

  @Get(':idTag')
  @ApiOperation({ summary: 'One idTag' })
  @ApiOk(ID_TAG_SCHEMA)
  @ApiErrors([400, 404])
  get(@Param() { idTag }: IdTagPath): Promise<IdTagView> {
    return call(this.bus, auth.getIdTag, { idTag });
  }

  @Put(':idTag')
  @ApiOperation({ summary: 'Replace the fields of an idTag' })
  @ApiOk(ID_TAG_SCHEMA)
  @ApiErrors([400, 404])
  replace(@Param() { idTag }: IdTagPath, @Body() body: IdTagFieldsDto): Promise<IdTagView> {
    return call(this.bus, auth.replaceIdTag, { ...body, idTag });
  }

  @Delete(':idTag')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove an idTag' })
  @ApiDone('Removed')
  @ApiErrors([400, 404])
  async remove(@Param() { idTag }: IdTagPath): Promise<void> {
    await call(this.bus, auth.deleteIdTag, { idTag });
  }
}
