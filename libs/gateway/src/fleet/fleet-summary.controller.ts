import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { BUS, type Bus } from '#csms/bus';
import { ApiOk, ApiV1, S, call } from '#csms/http';
import { CommandWindow } from './command-window.js';
import type { FleetSummary } from '../portable/fleet-summary.js';
import * as metering from '#csms/metering/verbs';
import * as configManager from '#csms/config-manager/verbs';
import * as auth from '#csms/auth/verbs';

export type { FleetSummary };

const HOUR_MS = 3_600_000;

/**
 * The fleet in numbers: each service answers with SQL aggregates over what it owns (the registry: connection,
 * model, firmware; metering: connector statuses, transactions, energy; auth: security events); command
 * counts come from this gateway's window on the events stream. The services are asked at once.
 */
@ApiTags('fleet')
@ApiV1()
@Controller('api/v1/fleet')
export class FleetSummaryController {
  constructor(
    @Inject(BUS) private readonly bus: Bus,
    @Inject(CommandWindow) private readonly commands: CommandWindow,
  ) {}

  @Get('summary')
  @ApiOperation({ summary: 'Fleet figures: chargers by connection state, model and firmware, connector statuses, transactions, energy today, last hour' })
  @ApiOk(
    S.obj({
      at: S.time,
      chargers: S.obj({ total: S.int, connected: S.int, disconnected: S.int }),
      byModel: S.map(S.int),
      byFirmware: S.map(S.int),
      connectorStatus: S.map(S.int),
      configuration: S.obj({ inSync: S.int, drift: S.int, refused: S.int, unknown: S.int }),
      transactions: S.obj({ active: S.int, energyTodayWh: S.num }),
      lastHour: S.obj({ callErrors: S.int, securityEvents: S.int, commands: S.int }),
    }),
  )
  async summary(): Promise<FleetSummary> {
    const now = Date.now();
    const [registry, meter, security] = await Promise.all([
      call(this.bus, configManager.registryFleetFigures, {}),
      call(this.bus, metering.fleetFigures, {}),
      call(this.bus, auth.securityEventCount, { sinceMs: now - HOUR_MS }),
    ]);
    return {
      at: new Date(now).toISOString(),
      chargers: { total: registry.total, connected: registry.connected, disconnected: registry.total - registry.connected },
      byModel: registry.byModel,
      byFirmware: registry.byFirmware,
      connectorStatus: meter.connectorStatus,
      configuration: registry.configuration,
      transactions: { active: meter.activeTransactions, energyTodayWh: meter.energyTodayWh },
      lastHour: { ...this.commands.lastHour(now), securityEvents: security.count },
    };
  }
}
