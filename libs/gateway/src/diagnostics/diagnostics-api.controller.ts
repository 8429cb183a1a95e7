import type { ServerResponse } from 'node:http';
import { Body, Controller, Get, HttpCode, HttpException, HttpStatus, Inject, Param, Post, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';
import { BUS, DIAGNOSTICS_STATES, DIAGNOSTICS_KINDS, type Bus, type DiagnosticsView } from '#csms/bus';
import { ApiChargerIdParam, ApiErrors, ApiOk, ApiOkAs, ApiV1, CurrentCaller, S, auditActor, call, ChargerIdPath, type ApiCaller } from '#csms/http';
import { canonicalIdentity } from '#csms/zaptec-profile';
import { GATEWAY_OPTIONS, type GatewayOptions } from '../gateway-options.js';
import { DiagnosticsBody, DiagnosticsPageQuery, LogBody } from './diagnostics.dto.js';
import { requestUpload } from './request-upload.js';
import * as configManager from '#csms/config-manager/verbs';

class DiagnosticsIdPath {
  @IsUUID('all', { message: '$property must be a diagnostics request id (UUID)' })
  id!: string;
}

export const DIAGNOSTICS_SCHEMA = S.obj({
  id: S.str,
  chargerId: S.str,
  kind: S.enum(DIAGNOSTICS_KINDS),
  requestId: S.int,
  status: S.enum(DIAGNOSTICS_STATES),
  chargerStatus: S.nullable(S.str),
  fileName: S.nullable(S.str),
  storedName: S.nullable(S.str),
  size: S.nullable(S.int),
  contentType: S.nullable(S.str),
  createdAt: S.time,
  updatedAt: S.time,
  receivedAt: S.nullable(S.time),
  expiresAt: S.time,
  requestedBy: S.nullable(S.str),
  error: S.nullable(S.str),
});
const SEND_ERRORS = {
  404: 'The charger is not connected (nothing was sent)',
  422: "The charger's model has no such command (GetDiagnostics on a Zaptec Pro): not_supported_by_model, nothing sent",
  502: 'The charger answered with a CALLERROR',
  504: 'The charger did not answer in time',
};

/**
 * Diagnostics and logs uploaded to the CSMS itself (docs/diagnostics.md): request one, follow it, download
 * the file. The requests and files live in config-manager; this controller relays over the bus.
 */
@ApiTags('diagnostics')
@ApiV1()
@Controller('api/v1')
export class DiagnosticsApiController {
  constructor(
    @Inject(BUS) private readonly bus: Bus,
    @Inject(GATEWAY_OPTIONS) private readonly options: GatewayOptions,
  ) {}

  @Post('chargers/:id/diagnostics')
  @HttpCode(201)
  @ApiOperation({ summary: 'Ask the charger for its diagnostics (GetDiagnostics) with a one-time upload URL of the CSMS' })
  @ApiChargerIdParam()
  @ApiOk(DIAGNOSTICS_SCHEMA, 201, 'Sent and answered: the request, with the file name the charger will upload (status no-file: it has none)')
  @ApiErrors([400, 404, 409, 422, 424, 502, 504], SEND_ERRORS)
  diagnostics(@Param() { id }: ChargerIdPath, @Body() body: DiagnosticsBody, @CurrentCaller() caller?: ApiCaller): Promise<DiagnosticsView> {
    return requestUpload(this.bus, this.options, canonicalIdentity(id), { kind: 'diagnostics', ...body }, auditActor(caller));
  }

  @Post('chargers/:id/logs')
  @HttpCode(201)
  @ApiOperation({ summary: 'Ask a security-extension charger for a log (GetLog) with a one-time upload URL of the CSMS' })
  @ApiChargerIdParam()
  @ApiOk(DIAGNOSTICS_SCHEMA, 201, 'Sent and answered: the request; status not-sent when the charger rejected it')
  @ApiErrors([400, 404, 409, 422, 424, 502, 504], SEND_ERRORS)
  logs(@Param() { id }: ChargerIdPath, @Body() body: LogBody, @CurrentCaller() caller?: ApiCaller): Promise<DiagnosticsView> {
    const { logType, ...rest } = body;
    return requestUpload(
      this.bus,
      this.options,
      canonicalIdentity(id),
      { kind: logType === 'SecurityLog' ? 'security-log' : 'diagnostics-log', ...rest },
      auditActor(caller),
    );
  }

  @Get('chargers/:id/diagnostics')
  @ApiOperation({ summary: "A charger's diagnostics and log requests, newest first" })
  @ApiChargerIdParam()
  @ApiOk(S.page(DIAGNOSTICS_SCHEMA))
  @ApiErrors([400])
  list(@Param() { id }: ChargerIdPath, @Query() query: DiagnosticsPageQuery): Promise<{ items: DiagnosticsView[] }> {
    return call(this.bus, configManager.listDiagnostics, { chargerId: canonicalIdentity(id), ...query });
  }

  @Get('diagnostics/:id')
  @ApiOperation({ summary: 'One diagnostics or log request and its status' })
  @ApiParam({ name: 'id', schema: { type: 'string', format: 'uuid' } })
  @ApiOk(DIAGNOSTICS_SCHEMA)
  @ApiErrors([400, 404])
  get(@Param() { id }: DiagnosticsIdPath): Promise<DiagnosticsView> {
    return call(this.bus, configManager.getDiagnostics, { id });
  }

  @Get('diagnostics/:id/file')
  @ApiOperation({ summary: 'Download the received file (status received)' })
  @ApiParam({ name: 'id', schema: { type: 'string', format: 'uuid' } })
  @ApiOkAs('application/octet-stream', 'The file as the charger uploaded it; Content-Disposition names it')
  @ApiErrors([400, 404], { 404: 'No such request, or no file received for it yet: not_received' })
  async file(@Param() { id }: DiagnosticsIdPath, @Res() res: ServerResponse): Promise<void> {
    const view = await call(this.bus, configManager.getDiagnostics, { id });
    if (view.status !== 'received')
      throw new HttpException({ error: 'not_received', message: `no file received for ${id} (status ${view.status})` }, HttpStatus.NOT_FOUND);
    const name = view.storedName ?? view.fileName ?? `${view.chargerId}-${view.kind}-${view.requestId}`;
    // Always octet-stream and attachment: a charger chose these bytes; the API's origin must not render them.
    res.writeHead(200, {
      'Content-Type': 'application/octet-stream',
      'Content-Length': String(view.size ?? 0),
      'Content-Disposition': `attachment; filename="${name.replace(/[^A-Za-z0-9._-]/g, '_')}"`,
      'X-Content-Type-Options': 'nosniff',
    });
    for (let index = 0; ; index++) {
      const part = await call(this.bus, configManager.readDiagnostics, { id, index });
      if (part.done || part.data === undefined) break;
      if (!res.write(Buffer.from(part.data, 'base64'))) await new Promise((resolve) => res.once('drain', resolve));
    }
    res.end();
  }
}
