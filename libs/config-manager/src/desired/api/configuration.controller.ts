import { Body, Controller, Get, HttpCode, Inject, Param, Post, Put, Query } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { CHARGER_MODELS } from '#csms/zaptec-profile';
import { BUS, type Bus } from '#csms/bus';
import { ApiErrors, ApiOk, ApiV1, auditActor as actor, call, ChargerIdPath, CurrentCaller, PlainText, type ApiCaller } from '#csms/http';
import { CHARGER_CONFIGURATION_SCHEMA, CONFIGURATION_HISTORY_SCHEMA, LEVEL_SCHEMA, PROFILES_SCHEMA } from '../../api/openapi-schemas.js';
import type { AuditView } from '../desired-store.js';
import type { ChargerConfigurationView, LevelView } from '../desired.service.js';
import { ConfigurationBody } from '../dto/configuration.body.js';
import { GroupMembersBody } from '../dto/group-members.body.js';
import { HistoryQuery } from '../dto/history.query.js';
import { RetryRefusedBody } from '../dto/retry-refused.body.js';
import type { ProfilesView } from '../profiles-view.js';
import * as configManager from '../../verbs.js';

/** `:name` of /api/v1/groups/:name (desired.service.ts allows 1 to 100 characters). */
class GroupNamePath {
  @PlainText(100)
  name!: string;
}

/** `:model` of /api/v1/models/:model (config-manager answers 404 naming the models for any other value). */
class ModelPath {
  @PlainText(50)
  model!: string;
}

/** Runs in the gateway: only asks config-manager over the bus. */
@ApiTags('configuration')
@ApiV1()
@Controller('api/v1')
export class ConfigurationController {
  constructor(@Inject(BUS) private readonly bus: Bus) {}

  @Get('chargers/:id/configuration')
  @ApiOperation({ summary: 'Reported (with age), desired per level, effective and drift per key' })
  @ApiOk(CHARGER_CONFIGURATION_SCHEMA)
  @ApiErrors([400, 404])
  getCharger(@Param() { id: chargerId }: ChargerIdPath): Promise<ChargerConfigurationView> {
    return call(this.bus, configManager.getChargerConfiguration, { chargerId });
  }

  @Put('chargers/:id/configuration')
  @ApiOperation({ summary: 'Set desired keys of one charger (null removes); 422 naming every refusal; applied at once when connected' })
  @ApiOk(CHARGER_CONFIGURATION_SCHEMA)
  @ApiErrors([400, 404, 422], { 422: 'Keys refused by the profile: every refusal named (field/key, rule)' })
  setCharger(
    @Param() { id: chargerId }: ChargerIdPath,
    @Body() body: ConfigurationBody,
    @CurrentCaller() caller?: ApiCaller,
  ): Promise<ChargerConfigurationView> {
    return call(this.bus, configManager.setChargerConfiguration, { chargerId, keys: body.keys, actor: actor(caller) });
  }

  @Post('chargers/:id/configuration/retry')
  @HttpCode(200)
  @ApiOperation({ summary: 'Try again keys the charger refused (Rejected/NotSupported are otherwise not sent again for the same value, firmware and model)' })
  @ApiOk(CHARGER_CONFIGURATION_SCHEMA)
  @ApiErrors([400, 404])
  retry(@Param() { id: chargerId }: ChargerIdPath, @Body() body: RetryRefusedBody, @CurrentCaller() caller?: ApiCaller): Promise<ChargerConfigurationView> {
    return call(this.bus, configManager.retryRefusedConfiguration, { chargerId, keys: body.keys, actor: actor(caller) });
  }

  @Get('chargers/:id/configuration/history')
  @ApiOperation({ summary: 'Audit trail: who or what changed which key, when, old, new, outcome' })
  @ApiOk(CONFIGURATION_HISTORY_SCHEMA)
  @ApiErrors([400, 404])
  history(@Param() { id: chargerId }: ChargerIdPath, @Query() query: HistoryQuery): Promise<{ chargerId: string; items: AuditView[] }> {
    return call(this.bus, configManager.chargerConfigurationHistory, { chargerId, limit: query.limit });
  }

  @Get('groups/:name/configuration')
  @ApiOperation({ summary: 'Desired keys and members of a group' })
  @ApiOk(LEVEL_SCHEMA)
  @ApiErrors([400, 404])
  getGroup(@Param() { name: group }: GroupNamePath): Promise<LevelView> {
    return call(this.bus, configManager.getGroupConfiguration, { group });
  }

  @Put('groups/:name/configuration')
  @ApiOperation({ summary: 'Set desired keys of a group (created when new); validated for every member' })
  @ApiOk(LEVEL_SCHEMA)
  @ApiErrors([400, 422], { 422: 'Keys refused for a member: every refusal named (field/key, rule)' })
  setGroup(@Param() { name: group }: GroupNamePath, @Body() body: ConfigurationBody, @CurrentCaller() caller?: ApiCaller): Promise<LevelView> {
    return call(this.bus, configManager.setGroupConfiguration, { group, keys: body.keys, actor: actor(caller) });
  }

  @Put('groups/:name/members')
  @ApiOperation({ summary: 'Make exactly these chargers the members of the group (a charger is in at most one group)' })
  @ApiOk(LEVEL_SCHEMA)
  @ApiErrors([400, 422], { 422: 'Members whose model refuses the group keys: every refusal named' })
  setMembers(@Param() { name: group }: GroupNamePath, @Body() body: GroupMembersBody, @CurrentCaller() caller?: ApiCaller): Promise<LevelView> {
    return call(this.bus, configManager.setGroupMembers, { group, chargerIds: body.chargerIds, actor: actor(caller) });
  }

  @Get('models/:model/configuration')
  @ApiOperation({ summary: 'Desired keys of one charger model (between fleet and group); the Zaptec models start with the billing defaults' })
  @ApiParam({ name: 'model', enum: [...CHARGER_MODELS] })
  @ApiOk(LEVEL_SCHEMA)
  @ApiErrors([400, 404])
  getModel(@Param() { model }: ModelPath): Promise<LevelView> {
    return call(this.bus, configManager.getModelConfiguration, { model });
  }

  @Put('models/:model/configuration')
  @ApiOperation({ summary: 'Set desired keys of one charger model (null removes); validated for every charger of that model' })
  @ApiParam({ name: 'model', enum: [...CHARGER_MODELS] })
  @ApiOk(LEVEL_SCHEMA)
  @ApiErrors([400, 404, 422], { 422: 'Keys refused for the model: every refusal named (field/key, rule)' })
  setModel(@Param() { model }: ModelPath, @Body() body: ConfigurationBody, @CurrentCaller() caller?: ApiCaller): Promise<LevelView> {
    return call(this.bus, configManager.setModelConfiguration, { model, keys: body.keys, actor: actor(caller) });
  }

  @Get('configuration')
  @ApiOperation({ summary: 'Fleet desired keys (every charger, every model; empty unless an operator sets them)' })
  @ApiOk(LEVEL_SCHEMA)
  getFleet(): Promise<LevelView> {
    return call(this.bus, configManager.getFleetConfiguration, {});
  }

  @Put('configuration')
  @ApiOperation({ summary: 'Set fleet default desired keys; validated for every known charger' })
  @ApiOk(LEVEL_SCHEMA)
  @ApiErrors([400, 422], { 422: 'Keys refused for a charger: every refusal named (field/key, rule)' })
  setFleet(@Body() body: ConfigurationBody, @CurrentCaller() caller?: ApiCaller): Promise<LevelView> {
    return call(this.bus, configManager.setFleetConfiguration, { keys: body.keys, actor: actor(caller) });
  }

  @Get('profiles')
  @ApiOperation({ summary: 'The configuration key registry and the charger models with their capabilities' })
  @ApiOk(PROFILES_SCHEMA)
  profiles(): Promise<ProfilesView> {
    return call(this.bus, configManager.profiles, {});
  }
}
