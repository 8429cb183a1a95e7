import { Controller, Delete, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { BUS, QUEUED_COMMAND_STATES, type Bus } from '#csms/bus';
import {
  ApiChargerIdParam,
  ApiErrors,
  ApiOk,
  ApiV1,
  auditActor,
  call,
  ChargerIdPath,
  CurrentCaller,
  PageLimit,
  PageOffset,
  S,
  type ApiCaller,
} from '#csms/http';
import { canonicalIdentity } from '#csms/zaptec-profile';
import { MAX_QUEUED_PAGE } from '../queued-options.js';
import type { QueuedCommandPage, QueuedCommandRecord } from '../queued.service.js';
import type { QueuedCommandView } from '../store.js';
import * as configManager from '../../verbs.js';

class CommandIdPath {
  @IsUUID('all', { message: '$property must be a command id (UUID)' })
  id!: string;
}

class ListQueuedQuery {
  @ApiPropertyOptional({ enum: [...QUEUED_COMMAND_STATES] })
  @IsOptional()
  @IsIn([...QUEUED_COMMAND_STATES])
  status?: string;

  @PageLimit(MAX_QUEUED_PAGE)
  limit?: number;

  @PageOffset()
  offset?: number;
}

const ERROR = S.nullable(S.obj({ code: S.str, description: S.str, details: S.any }, ['details']));
const QUEUED = S.obj({
  commandId: S.str,
  chargerId: S.str,
  action: S.str,
  payload: S.any,
  status: S.enum(QUEUED_COMMAND_STATES),
  createdAt: S.time,
  expiresAt: S.time,
  requestedBy: S.nullable(S.str),
  attempts: S.int,
  finishedAt: S.nullable(S.time),
  result: { ...S.any, description: "The charger's CALLRESULT payload (succeeded)" },
  error: ERROR,
  cancelledBy: S.nullable(S.str),
});
const ATTEMPT = S.obj({ attempt: S.int, sentCommandId: S.str, startedAt: S.time, finishedAt: S.nullable(S.time), outcome: S.nullable(S.str), detail: S.any });
export const QUEUED_COMMAND_SCHEMA = QUEUED;
const RECORD = { ...QUEUED, properties: { ...QUEUED.properties, attemptLog: S.arr(ATTEMPT) }, required: [...(QUEUED.required ?? []), 'attemptLog'] };

/**
 * Queued commands (docs/api-commands.md#queued-commands). Runs in the gateway: only asks config-manager over
 * the bus. Queuing itself is `POST /api/v1/chargers/:id/commands/:action?delivery=queued` (the command route).
 */
@ApiTags('commands')
@ApiV1()
@Controller('api/v1')
export class QueuedCommandsApiController {
  constructor(@Inject(BUS) private readonly bus: Bus) {}

  @Get('commands/:id')
  @ApiOperation({ summary: 'One queued command with every delivery attempt' })
  @ApiParam({ name: 'id', description: 'The commandId the queuing answered', schema: { type: 'string', format: 'uuid' } })
  @ApiOk(RECORD)
  @ApiErrors([400, 404])
  get(@Param() { id }: CommandIdPath): Promise<QueuedCommandRecord> {
    return call(this.bus, configManager.getQueuedCommand, { commandId: id });
  }

  @Delete('commands/:id')
  @ApiOperation({ summary: 'Cancel a queued command while it is pending (409 not_pending otherwise)' })
  @ApiParam({ name: 'id', description: 'The commandId the queuing answered', schema: { type: 'string', format: 'uuid' } })
  @ApiOk(QUEUED)
  @ApiErrors([400, 404, 409], { 409: 'The command is not pending (being delivered, or finished): not_pending' })
  cancel(@Param() { id }: CommandIdPath, @CurrentCaller() caller?: ApiCaller): Promise<QueuedCommandView> {
    return call(this.bus, configManager.cancelQueuedCommand, { commandId: id, actor: auditActor(caller) });
  }

  @Get('chargers/:id/commands')
  @ApiOperation({ summary: "A charger's queued commands, newest first, optionally of one status" })
  @ApiChargerIdParam()
  @ApiOk(S.page(QUEUED))
  @ApiErrors([400, 404], { 404: 'The charger is not known and has no queued commands' })
  list(@Param() { id }: ChargerIdPath, @Query() query: ListQueuedQuery): Promise<QueuedCommandPage> {
    return call(this.bus, configManager.listQueuedCommands, { chargerId: canonicalIdentity(id), ...query });
  }
}
