import { Body, Controller, Delete, Get, Inject, Optional, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { BUS, type Bus } from '#csms/bus';
import { AdminOnly, API_TOKEN_DIRECTORY, ApiErrors, ApiOk, ApiV1, S, call, CurrentCaller, type ApiCaller, type ApiTokenDirectory } from '#csms/http';
import type { ApiTokenView, AuditRecord, CreatedApiToken } from '../api-access/api-access.store.js';
import { API_TOKEN_SCHEMA, AUDIT_RECORD_SCHEMA, CREATED_API_TOKEN_SCHEMA } from './openapi-schemas.js';
import { ApiTokenIdPath, AuditQueryDto, CreateApiTokenDto } from '../dto/api-access.dto.js';
import * as auth from '../verbs.js';

/** API tokens: made, listed (never their secret) and revoked by an admin. Runs in the gateway; auth holds the table. */
@ApiTags('access')
@ApiV1()
@AdminOnly()
@Controller('api/v1/api-tokens')
export class ApiTokensApiController {
  constructor(
    @Inject(BUS) private readonly bus: Bus,
    @Optional() @Inject(API_TOKEN_DIRECTORY) private readonly directory?: ApiTokenDirectory,
  ) {}

  /** 201 with the token, shown this once. */
  @Post()
  @ApiOperation({ summary: 'Make an API token with a role; the answer holds the token, shown this once' })
  @ApiOk(CREATED_API_TOKEN_SCHEMA, 201, 'Created; the token is in the answer, this once')
  @ApiErrors([400, 409], { 409: 'An active token has this name' })
  create(@Body() body: CreateApiTokenDto, @CurrentCaller() caller?: ApiCaller): Promise<CreatedApiToken> {
    return call(this.bus, auth.createApiToken, { name: body.name, role: body.role, createdBy: caller?.name });
  }

  @Get()
  @ApiOperation({ summary: 'Active API tokens: name, role, who made them, last use (never the token)' })
  @ApiOk(S.obj({ items: S.arr(API_TOKEN_SCHEMA) }))
  list(): Promise<{ items: ApiTokenView[] }> {
    return call(this.bus, auth.listApiTokens, {});
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Revoke an API token (other gateway replicas stop accepting it within 10 s)' })
  @ApiOk(S.obj({ id: S.str, revoked: { type: 'boolean', enum: [true] } }))
  @ApiErrors([400, 404])
  async revoke(@Param() { id }: ApiTokenIdPath): Promise<{ id: string; revoked: true }> {
    const done = await call(this.bus, auth.revokeApiToken, { id });
    this.directory?.forgetAll();
    return done;
  }
}

/** The audit log of state-changing API requests. Admin only: it names every token and what it did. */
@ApiTags('access')
@ApiV1()
@AdminOnly()
@Controller('api/v1/audit')
export class AuditApiController {
  constructor(@Inject(BUS) private readonly bus: Bus) {}

  @Get()
  @ApiOperation({ summary: 'State-changing API requests, newest first: who, method and route, charger, status, time' })
  @ApiOk(S.obj({ items: S.arr(AUDIT_RECORD_SCHEMA) }))
  @ApiErrors([400])
  list(@Query() q: AuditQueryDto): Promise<{ items: AuditRecord[] }> {
    return call(this.bus, auth.listAudit, {
      chargerId: q.chargerId,
      actor: q.actor,
      from: q.from,
      to: q.to,
      limit: q.limit ?? 100,
      offset: q.offset ?? 0,
    });
  }
}
