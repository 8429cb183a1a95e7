import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Put, Query } from '@nestjs/common';
import { BUS, subjects, type Bus } from '#csms/bus';
import { callService } from '#csms/http';
import { CreateIdTagDto, IdTagFieldsDto, IdTagListQueryDto, IdTagPath } from '../dto/id-tag.dto.js';
import type { IdTagView } from '../id-tags.service.js';

/** Drivers' idTags. Runs in the gateway: it only asks auth over the bus. */
@Controller('api/v1/id-tags')
export class IdTagsApiController {
  constructor(@Inject(BUS) private readonly bus: Bus) {}

  @Post()
  create(@Body() body: CreateIdTagDto): Promise<IdTagView> {
    return callService(this.bus, subjects.api('auth', 'createIdTag'), { ...body });
  }

  @Get()
  list(@Query() query: IdTagListQueryDto): Promise<{ items: IdTagView[]; total: number; limit: number; offset: number }> {
    return callService(this.bus, subjects.api('auth', 'listIdTags'), { ...query });
  }

  @Get(':idTag')
  get(@Param() { idTag }: IdTagPath): Promise<IdTagView> {
    return callService(this.bus, subjects.api('auth', 'getIdTag'), { idTag });
  }

  @Put(':idTag')
  replace(@Param() { idTag }: IdTagPath, @Body() body: IdTagFieldsDto): Promise<IdTagView> {
    return callService(this.bus, subjects.api('auth', 'replaceIdTag'), { ...body, idTag });
  }

  @Delete(':idTag')
  @HttpCode(204)
  async remove(@Param() { idTag }: IdTagPath): Promise<void> {
    await callService(this.bus, subjects.api('auth', 'deleteIdTag'), { idTag });
  }
}
