import { Body, Controller, Get, Inject, Param, Put, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { BUS, subjects, type Bus } from '#csms/bus';
import { AdminOnly, callService, ChargerIdPath } from '#csms/http';
import { ListChargersQuery } from '../dto/list-chargers.query.js';
import { SetBootPolicyBody } from '../dto/set-boot-policy.body.js';
import { SetModelBody } from '../dto/set-model.body.js';
import type { ChargerSummary } from '../registry/charger-summary.js';
import type { ChargerPage } from '../registry/registry.service.js';
import { fetchConnectorStatuses, type ConnectorStatus, type ConnectorStatusMap } from './connector-statuses.js';

export type ChargerView = ChargerSummary & { connectors?: ConnectorStatus[] };
export interface ChargerListView extends Omit<ChargerPage, 'items'> {
  items: ChargerView[];
  /** Present (true) when metering did not answer: the items carry no `connectors`. */
  statusesUnavailable?: true;
}

function merge(charger: ChargerSummary, statuses: ConnectorStatusMap | undefined): ChargerView {
  return statuses ? { ...charger, connectors: statuses[charger.id] ?? [] } : charger;
}

/**
 * Runs in the gateway: only asks services over the bus. `POST /api/v1/chargers` (registration with
 * credentials) belongs to auth's API module.
 */
@ApiTags('chargers')
@Controller('api/v1/chargers')
export class ChargersController {
  constructor(@Inject(BUS) private readonly bus: Bus) {}

  @Get()
  @ApiOperation({ summary: 'Every known charger: connection, model and capabilities, last boot, connector statuses' })
  async list(@Query() query: ListChargersQuery): Promise<ChargerListView> {
    const page = await callService<ChargerPage>(this.bus, subjects.api('registry', 'list'), {
      limit: query.limit,
      offset: query.offset,
      connected: query.connected,
    });
    const statuses = await fetchConnectorStatuses(this.bus, page.items.map((c) => c.id));
    return { ...page, items: page.items.map((c) => merge(c, statuses)), ...(statuses ? {} : { statusesUnavailable: true as const }) };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One charger, with its model capabilities and connector statuses' })
  async get(@Param() { id }: ChargerIdPath): Promise<ChargerView & { statusesUnavailable?: true }> {
    const charger = await callService<ChargerSummary>(this.bus, subjects.api('registry', 'get'), { chargerId: id });
    const statuses = await fetchConnectorStatuses(this.bus, [charger.id]);
    return statuses ? merge(charger, statuses) : { ...charger, statusesUnavailable: true };
  }

  @Put(':id/model')
  @AdminOnly()
  @ApiOperation({ summary: 'Override the detected model (null: detect again from the last BootNotification)' })
  setModel(@Param() { id }: ChargerIdPath, @Body() body: SetModelBody): Promise<ChargerSummary> {
    return callService<ChargerSummary>(this.bus, subjects.api('registry', 'setModel'), { chargerId: id, model: body.model });
  }

  @Put(':id/boot-policy')
  @ApiOperation({ summary: 'Boot policy: answer BootNotification Pending until the desired configuration is applied' })
  setBootPolicy(@Param() { id }: ChargerIdPath, @Body() body: SetBootPolicyBody): Promise<ChargerSummary> {
    return callService<ChargerSummary>(this.bus, subjects.api('registry', 'setBootPolicy'), {
      chargerId: id,
      applyConfigurationBeforeAccept: body.applyConfigurationBeforeAccept,
    });
  }
}
