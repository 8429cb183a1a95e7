import { Body, Controller, Get, Inject, Param, Put } from '@nestjs/common';
import { BUS, subjects, type Bus } from '#csms/bus';
import { callService, ChargerIdPath } from '#csms/http';
import { SetLocalAuthListGroupDto } from '../dto/local-auth-list.dto.js';
import type { LocalListState } from '../local-auth-list.store.js';

/** The charger's local authorization list. Runs in the gateway: it only asks auth over the bus. */
@Controller('api/v1/chargers')
export class LocalAuthListApiController {
  constructor(@Inject(BUS) private readonly bus: Bus) {}

  @Get(':id/local-auth-list')
  get(@Param() { id: chargerId }: ChargerIdPath): Promise<LocalListState> {
    return callService(this.bus, subjects.api('auth', 'getLocalAuthList'), { chargerId });
  }

  /** Answers with the stored group at once; the Full update follows (GET shows its outcome). */
  @Put(':id/local-auth-list')
  setGroup(@Param() { id: chargerId }: ChargerIdPath, @Body() body: SetLocalAuthListGroupDto): Promise<LocalListState> {
    return callService(this.bus, subjects.api('auth', 'setLocalAuthListGroup'), { chargerId, group: body.group });
  }
}
