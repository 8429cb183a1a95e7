import { Body, Controller, Get, Inject, Param, Put, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { BUS, type Bus } from '#csms/bus';
import { AdminOnly, ApiErrors, ApiOk, ApiV1, call, ChargerIdPath } from '#csms/http';
import { ListChargersQuery } from '../dto/list-chargers.query.js';
import { SetBootPolicyBody } from '../dto/set-boot-policy.body.js';
import { SetModelBody } from '../dto/set-model.body.js';
import type { ChargerSummary } from '../registry/charger-summary.js';
import type { ChargerPage } from '../registry/registry.service.js';
import { CHARGER_LIST_SCHEMA, CHARGER_SCHEMA } from './openapi-schemas.js';
import { fetchConnectorStatuses, type ConnectorStatus, type ConnectorStatusMap } from './connector-statuses.js';
import * as metering from '#csms/metering/verbs';
import * as configManager from '../verbs.js';

export type ChargerView = ChargerSummary & { connectors?: ConnectorStatus[] };
/** One charger of `view=compact`: what a list row shows (a few hundred bytes, not the capabilities). */
export interface CompactChargerView {
  id: string;
  connected: boolean;
  model: string;
  firmwareVersion: string | null;
  lastSeen: string | null;
  connectedAt: string | null;
  provisional: boolean;
  /** connectorId -> last status. */
  connectorStatus: Record<string, string>;
  /** Configuration drift (or refused) after the last reconciliation; null when never reconciled. */
  drift: boolean | null;
}
export interface ChargerListView extends Omit<ChargerPage, 'items'> {
  items: ChargerView[] | CompactChargerView[];
  /** Present (true) when metering did not answer: the items carry no `connectors`. */
  statusesUnavailable?: true;
}

function compact(charger: ChargerSummary, statuses: ConnectorStatusMap | undefined): CompactChargerView {
  return {
    id: charger.id,
    connected: charger.connected,
    model: charger.model,
    firmwareVersion: charger.boot?.firmwareVersion ?? null,
    lastSeen: charger.lastSeen,
    connectedAt: charger.connectedAt,
    provisional: charger.provisional,
    connectorStatus: Object.fromEntries((statuses?.[charger.id] ?? []).map((c) => [String(c.connectorId), c.status])),
    drift: charger.configurationSync === undefined || charger.configurationSync === 'unknown' ? null : charger.configurationSync !== 'in-sync',
  };
}

const emptyPage = (query: ListChargersQuery): ChargerListView => ({
  items: [],
  total: 0,
  limit: query.limit ?? 100,
  offset: query.offset ?? 0,
  nextCursor: null,
});

function merge(charger: ChargerSummary, statuses: ConnectorStatusMap | undefined): ChargerView {
  return statuses ? { ...charger, connectors: statuses[charger.id] ?? [] } : charger;
}

/**
 * Runs in the gateway: only asks services over the bus. `POST /api/v1/chargers` (registration with
 * credentials) belongs to auth's API module.
 */
@ApiTags('chargers')
@ApiV1()
@Controller('api/v1/chargers')
export class ChargersController {
  constructor(@Inject(BUS) private readonly bus: Bus) {}

  @Get()
  @ApiOperation({
    summary:
      'Known chargers, filtered, sorted and paged (cursor or offset): connection, model and capabilities, last boot, connector statuses; view=compact for lists',
  })
  @ApiOk(CHARGER_LIST_SCHEMA)
  @ApiErrors([400])
  async list(@Query() query: ListChargersQuery): Promise<ChargerListView> {
    const { view, status, ...rest } = query;
    // Connector statuses are metering's: it names the chargers with one in `status`, the registry pages them.
    const ids = status === undefined ? undefined : (await call(this.bus, metering.chargersWithStatus, { status })).chargerIds;
    if (ids !== undefined && ids.length === 0) return emptyPage(query);
    const page = await call(this.bus, configManager.listChargers, { ...rest, ...(ids ? { ids } : {}) });
    const statuses = await fetchConnectorStatuses(
      this.bus,
      page.items.map((c) => c.id),
    );
    const items = view === 'compact' ? page.items.map((c) => compact(c, statuses)) : page.items.map((c) => merge(c, statuses));
    return { ...page, items, ...(statuses ? {} : { statusesUnavailable: true as const }) };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One charger, with its model capabilities and connector statuses' })
  @ApiOk(CHARGER_SCHEMA)
  @ApiErrors([400, 404])
  async get(@Param() { id }: ChargerIdPath): Promise<ChargerView & { statusesUnavailable?: true }> {
    const charger = await call(this.bus, configManager.getCharger, { chargerId: id });
    const statuses = await fetchConnectorStatuses(this.bus, [charger.id]);
    return statuses ? merge(charger, statuses) : { ...charger, statusesUnavailable: true };
  }

  @Put(':id/model')
  @AdminOnly()
  @ApiOperation({ summary: 'Override the detected model (null: detect again from the last BootNotification)' })
  @ApiOk(CHARGER_SCHEMA)
  @ApiErrors([400, 404])
  setModel(@Param() { id }: ChargerIdPath, @Body() body: SetModelBody): Promise<ChargerSummary> {
    return call(this.bus, configManager.setChargerModel, { chargerId: id, model: body.model });
  }

  @Put(':id/boot-policy')
  @ApiOperation({ summary: 'Boot policy: answer BootNotification Pending until the desired configuration is applied' })
  @ApiOk(CHARGER_SCHEMA)
  @ApiErrors([400, 404])
  setBootPolicy(@Param() { id }: ChargerIdPath, @Body() body: SetBootPolicyBody): Promise<ChargerSummary> {
    return call(this.bus, configManager.setBootPolicy, {
      chargerId: id,
      applyConfigurationBeforeAccept: body.applyConfigurationBeforeAccept,
    });
  }
}
