import { randomUUID } from 'node:crypto';
import { Body, Controller, HttpCode, HttpException, HttpStatus, Inject, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { BUS, sendCommand, type Bus } from '#csms/bus';
import { ApiChargerIdParam, ApiErrors, ApiOk, ApiV1, CurrentCaller, S, auditActor, requireCapability, type ApiCaller } from '#csms/http';
import {
  CSMS_INITIATED_ACTIONS,
  isOcppAction,
  validatePayload,
  type ChangeConfigurationRequest,
  type ChangeConfigurationResponse,
  type ResetRequest,
} from '#csms/ocpp';
import { canonicalIdentity } from '#csms/zaptec-profile';
import { GATEWAY_OPTIONS, type GatewayOptions } from '../gateway-options.js';
import { GatewayService } from '../gateway.service.js';
import { keepAcceptedChange, type DesiredAfterCommand } from './command-configuration.js';
import { deliveryMode, queueCommand, type QueuedAnswer } from './command-queue.js';
import { noteResetForBoot } from './command-reset.js';

const csmsActions = new Set<string>(CSMS_INITIATED_ACTIONS);

/**
 * POST /api/v1/chargers/:id/commands/:action — the body is the OCPP request payload. The answer is the
 * charger's own: 200 with its CALLRESULT payload, 502 with its CALLERROR, 504 when it did not answer
 * within timeoutMs (a command still queued then is never sent), 424 when the CALL was sent and the
 * connection closed before an answer (outcome unknown), 404 when nothing was sent because no gateway
 * holds its socket. Each call is one command id: executed at most once (docs/api-commands.md).
 * `?delivery=queued`: the same checks, then 202 and the command is stored and delivered when the charger is next
 * connected and booted (docs/api-commands.md#queued-commands).
 */
@ApiTags('commands')
@ApiV1()
@Controller('api/v1/chargers/:id/commands')
export class CommandsController {
  constructor(
    @Inject(BUS) private readonly bus: Bus,
    @Inject(GATEWAY_OPTIONS) private readonly options: GatewayOptions,
    @Inject(GatewayService) private readonly gateway: GatewayService,
  ) {}

  @Post(':action')
  @HttpCode(200)
  @ApiOperation({ summary: 'Send an OCPP 1.6 command to a charger and return its answer (422 when its model lacks the feature)' })
  @ApiChargerIdParam()
  @ApiParam({ name: 'action', enum: [...CSMS_INITIATED_ACTIONS] })
  @ApiQuery({
    name: 'timeoutMs',
    required: false,
    schema: { type: 'integer', minimum: 100, maximum: 600_000 },
    description: 'How long to wait for the answer (default COMMAND_TIMEOUT_MS)',
  })
  @ApiQuery({
    name: 'delivery',
    required: false,
    schema: { type: 'string', enum: ['immediate', 'queued'] },
    description: 'queued: store it (202) and deliver it when the charger is next connected and booted',
  })
  @ApiQuery({
    name: 'expiresAt',
    required: false,
    schema: { type: 'string', format: 'date-time' },
    description: 'delivery=queued: not delivered after this time (default and at most 7 days ahead)',
  })
  @ApiOk(
    S.obj({ commandId: S.str, status: S.enum(['pending']), chargerId: S.str, action: S.str, createdAt: S.time, expiresAt: S.time }),
    202,
    'delivery=queued: stored; GET /api/v1/commands/{commandId} follows it',
  )
  @ApiOk(
    S.obj(
      {
        result: { ...S.any, description: "The charger's CALLRESULT payload" },
        commandId: S.str,
        desired: {
          ...S.obj({ key: S.str, value: S.str }),
          additionalProperties: true,
          description: 'ChangeConfiguration accepted: the desired value kept for reconciliation',
        },
      },
      ['desired'],
    ),
    200,
    "The charger's answer",
  )
  @ApiErrors([400, 404, 409, 422, 424, 502, 504], {
    404: 'The charger is not connected (nothing was sent); delivery=queued: the charger is not known (never connected)',
    409: 'Not allowed in the current OCPP state',
    504: 'The charger did not answer within timeoutMs (a command still queued is never sent)',
  })
  @ApiBody({ description: 'The OCPP request payload of the action', schema: { type: 'object' } })
  async send(
    @Param('id') idParam: string,
    @Param('action') action: string,
    @Body() payload: unknown,
    @Query('timeoutMs') timeoutRaw?: string,
    @CurrentCaller() caller?: ApiCaller,
    @Query('delivery') deliveryRaw?: string,
    @Query('expiresAt') expiresAt?: string,
    @Res({ passthrough: true }) res?: { status(code: number): unknown },
  ): Promise<{ result: unknown; commandId: string; desired?: DesiredAfterCommand } | QueuedAnswer> {
    // Legacy lowercase `zap…` identities name the same charger (docs/reference/design-decisions.md#zaptec-chargers).
    const chargerId = canonicalIdentity(idParam);
    if (!isOcppAction(action) || !csmsActions.has(action)) {
      throw new HttpException(
        {
          error: 'validation_failed',
          message: `action: ${action} is not an OCPP 1.6 command`,
          errors: [{ field: 'action', rule: 'ocpp.csmsAction', message: `must be one of ${CSMS_INITIATED_ACTIONS.join(', ')}` }],
        },
        HttpStatus.BAD_REQUEST,
      );
    }
    const delivery = deliveryMode(deliveryRaw, expiresAt);
    const timeoutMs = parseTimeout(timeoutRaw, this.options.commandTimeoutMs);
    await requireCapability(this.bus, chargerId, action, 'action', this.gateway.capabilities);
    // docs/reference/design-decisions.md#commands: the session that sends it validates the payload; here only when none will now
    if (delivery === 'queued') {
      refuseInvalidPayload(action, payload ?? {});
      const queued = await queueCommand(this.bus, chargerId, randomUUID(), action, payload ?? {}, expiresAt, caller?.name);
      res?.status(HttpStatus.ACCEPTED);
      return queued;
    }
    // The whole wait is the caller's timeoutMs: the deadline goes with the command, so a command still
    // queued behind an unanswered CALL when we answer 504 is dropped, never sent (docs/reference/design-decisions.md#commands).
    const commandId = randomUUID();
    const sending = new Date();
    const request = { commandId, action, payload: payload ?? {}, timeoutMs, deadline: Date.now() + timeoutMs, origin: 'api', requestedBy: caller?.name };
    // docs/benchmarks.md#commands-one-hop: a charger held by this gateway's own socket gets it without the bus round trip.
    const reply = await (this.gateway.registry.runIfHeld(chargerId, request) ?? sendCommand(this.bus, chargerId, request));
    const bootLinked = action === 'Reset' ? await noteResetForBoot(this.bus, chargerId, commandId, payload as ResetRequest, reply, sending) : false;
    switch (reply.status) {
      case 'ok': {
        // docs/reference/design-decisions.md#command-api-changes-stick: an accepted ChangeConfiguration becomes the
        // charger's desired value, so reconciliation keeps it.
        const desired =
          action === 'ChangeConfiguration'
            ? await keepAcceptedChange(
                this.bus,
                chargerId,
                payload as ChangeConfigurationRequest,
                reply.result as ChangeConfigurationResponse,
                auditActor(caller),
              )
            : undefined;
        return { result: reply.result, commandId, ...(desired ? { desired } : {}) };
      }
      case 'not-connected':
        refuseInvalidPayload(action, payload ?? {});
        throw new HttpException({ error: 'not_connected', message: `charger ${chargerId} is not connected` }, HttpStatus.NOT_FOUND);
      case 'connection-lost':
        // Not 404: the CALL went out, so the charger may have carried it out (a Hard Reset closes the socket
        // before answering). 424 is used for nothing else here, so a caller can tell it from every other outcome.
        throw new HttpException(
          {
            error: 'connection_lost',
            outcome: 'unknown',
            commandId,
            message: `${action} was sent to charger ${chargerId}, then the connection closed before an answer; the outcome is unknown`,
            // A Reset's outcome shows later: the charger's next BootNotification carries this command id.
            ...(bootLinked
              ? { nextBoot: `the charger's next BootNotification will be linked to this command (charger.boot event, afterReset.commandId ${commandId})` }
              : {}),
          },
          HttpStatus.FAILED_DEPENDENCY,
        );
      case 'timeout':
        throw new HttpException(
          { error: 'timeout', message: `charger ${chargerId} did not answer ${action} within ${timeoutMs} ms` },
          HttpStatus.GATEWAY_TIMEOUT,
        );
      case 'callerror':
        throw new HttpException(
          {
            error: 'callerror',
            code: reply.code,
            description: reply.description,
            details: reply.details,
            message: `charger answered ${reply.code}: ${reply.description}`,
          },
          HttpStatus.BAD_GATEWAY,
        );
      case 'invalid':
        if (reply.reason === 'payload') {
          const errors = reply.errors.map((e) => ({ field: e.path || '(payload)', rule: reply.code ?? 'ocpp.schema', message: e.message }));
          throw new HttpException(
            {
              error: 'validation_failed',
              message: reply.description ?? `${action} request: ${errors.map((e) => `${e.field} ${e.message}`).join('; ')}`,
              errors,
            },
            HttpStatus.BAD_REQUEST,
          );
        }
        throw new HttpException(
          {
            error: 'not_allowed',
            message: reply.errors.map((e) => e.message).join('; '),
            errors: reply.errors.map((e) => ({ field: e.path, rule: 'ocpp.state', message: e.message })),
          },
          HttpStatus.CONFLICT,
        );
    }
  }
}

function refuseInvalidPayload(action: string, payload: unknown): void {
  const valid = validatePayload(action, 'request', payload);
  if (valid.ok) return;
  const errors = valid.errors.map((e) => ({ field: e.path || '(payload)', rule: valid.code, message: e.message }));
  throw new HttpException({ error: 'validation_failed', message: valid.description, errors }, HttpStatus.BAD_REQUEST);
}

function parseTimeout(raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 100 || n > 600_000) {
    throw new HttpException(
      {
        error: 'validation_failed',
        message: 'timeoutMs: must be an integer between 100 and 600000',
        errors: [{ field: 'timeoutMs', rule: 'range', message: 'must be an integer between 100 and 600000' }],
      },
      HttpStatus.BAD_REQUEST,
    );
  }
  return n;
}
