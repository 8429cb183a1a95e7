import { Body, Controller, Get, Headers, Inject, Param, Put, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { BUS, type Bus } from '#csms/bus';
import { callService, ChargerIdPath, PlainText } from '#csms/http';
import type { AuditView } from '../desired-store.js';
import type { ChargerConfigurationView, LevelView } from '../desired.service.js';
import { ConfigurationBody } from '../dto/configuration.body.js';
import { GroupMembersBody } from '../dto/group-members.body.js';
import { HistoryQuery } from '../dto/history.query.js';
import type { ProfilesView } from '../profiles-view.js';
import { DESIRED_VERBS } from '../verbs.js';

/** The audit trail's actor. The API has no user accounts yet: a caller may name itself in X-Csms-Caller. */
function actor(caller: string | undefined): string {
  const name = (caller ?? '').trim().slice(0, 100);
  return `api:${/^[\w.@:-]+$/.test(name) ? name : 'anonymous'}`;
}

/** `:name` of /api/v1/groups/:name (desired.service.ts allows 1 to 100 characters). */
class GroupNamePath {
  @PlainText(100)
  name!: string;
}

/** Runs in the gateway: only asks config-manager over the bus. */
@ApiTags('configuration')
@Controller('api/v1')
export class ConfigurationController {
  constructor(@Inject(BUS) private readonly bus: Bus) {}

  @Get('chargers/:id/configuration')
  @ApiOperation({ summary: 'Reported (with age), desired per level, effective and drift per key' })
  getCharger(@Param() { id: chargerId }: ChargerIdPath): Promise<ChargerConfigurationView> {
    return callService(this.bus, DESIRED_VERBS.getChargerConfiguration, { chargerId });
  }

  @Put('chargers/:id/configuration')
  @ApiOperation({ summary: 'Set desired keys of one charger (null removes); 422 naming every refusal; applied at once when connected' })
  setCharger(@Param() { id: chargerId }: ChargerIdPath, @Body() body: ConfigurationBody, @Headers('x-csms-caller') caller?: string): Promise<ChargerConfigurationView> {
    return callService(this.bus, DESIRED_VERBS.setChargerConfiguration, { chargerId, keys: body.keys, actor: actor(caller) });
  }

  @Get('chargers/:id/configuration/history')
  @ApiOperation({ summary: 'Audit trail: who or what changed which key, when, old, new, outcome' })
  history(@Param() { id: chargerId }: ChargerIdPath, @Query() query: HistoryQuery): Promise<{ chargerId: string; items: AuditView[] }> {
    return callService(this.bus, DESIRED_VERBS.chargerConfigurationHistory, { chargerId, limit: query.limit });
  }

  @Get('groups/:name/configuration')
  @ApiOperation({ summary: 'Desired keys and members of a group' })
  getGroup(@Param() { name: group }: GroupNamePath): Promise<LevelView> {
    return callService(this.bus, DESIRED_VERBS.getGroupConfiguration, { group });
  }

  @Put('groups/:name/configuration')
  @ApiOperation({ summary: 'Set desired keys of a group (created when new); validated for every member' })
  setGroup(@Param() { name: group }: GroupNamePath, @Body() body: ConfigurationBody, @Headers('x-csms-caller') caller?: string): Promise<LevelView> {
    return callService(this.bus, DESIRED_VERBS.setGroupConfiguration, { group, keys: body.keys, actor: actor(caller) });
  }

  @Put('groups/:name/members')
  @ApiOperation({ summary: 'Make exactly these chargers the members of the group (a charger is in at most one group)' })
  setMembers(@Param() { name: group }: GroupNamePath, @Body() body: GroupMembersBody, @Headers('x-csms-caller') caller?: string): Promise<LevelView> {
    return callService(this.bus, DESIRED_VERBS.setGroupMembers, { group, chargerIds: body.chargerIds, actor: actor(caller) });
  }

  @Get('configuration')
  @ApiOperation({ summary: 'Fleet default desired keys' })
  getFleet(): Promise<LevelView> {
    return callService(this.bus, DESIRED_VERBS.getFleetConfiguration, {});
  }

  @Put('configuration')
  @ApiOperation({ summary: 'Set fleet default desired keys; validated for every known charger' })
  setFleet(@Body() body: ConfigurationBody, @Headers('x-csms-caller') caller?: string): Promise<LevelView> {
    return callService(this.bus, DESIRED_VERBS.setFleetConfiguration, { keys: body.keys, actor: actor(caller) });
  }

  @Get('profiles')
  @ApiOperation({ summary: 'The configuration key registry and the charger models with their capabilities' })
  profiles(): Promise<ProfilesView> {
    return callService(this.bus, DESIRED_VERBS.profiles, {});
  }
}
