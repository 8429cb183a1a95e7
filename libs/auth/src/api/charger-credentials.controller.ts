import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Query } from '@nestjs/common';
import { BUS, type Bus } from '#csms/bus';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminOnly, ApiErrors, ApiOk, ApiV1, call, ChargerIdPath } from '#csms/http';
import { REGISTERED_CHARGER_SCHEMA, REGISTRATION_SCHEMA, ROTATION_SCHEMA, ROTATION_STARTED_SCHEMA, SECURITY_EVENTS_SCHEMA } from './openapi-schemas.js';
import type { RotationStarted, RotationView } from '../authorization-key-rotation.service.js';
import type { RegisteredCharger, RegistrationView } from '../charger-registry.service.js';
import { RegisterChargerDto, RotateAuthorizationKeyDto, SetRegistrationDto } from '../dto/charger.dto.js';
import { PageQueryDto } from '../dto/id-tag.dto.js';
import type { SecurityEventView } from '../security-events.service.js';
import * as auth from '../verbs.js';

/** Charger credentials, registration and security events. Runs in the gateway: it only asks auth over the bus. */
@ApiTags('chargers')
@ApiV1()
@Controller('api/v1/chargers')
export class ChargerCredentialsController {
  constructor(@Inject(BUS) private readonly bus: Bus) {}

  /** 201 with the generated password (returned this once) when none was given. */
  @Post()
  @AdminOnly()
  @ApiOperation({ summary: 'Register a charger with its security profile and Basic Auth password (generated and returned once when absent)' })
  @ApiOk(REGISTERED_CHARGER_SCHEMA, 201, 'Registered')
  @ApiErrors([400, 409, 422], { 409: 'The charger is already registered', 422: 'A password for a profile without Basic Auth' })
  register(@Body() body: RegisterChargerDto): Promise<RegisteredCharger> {
    return call(this.bus, auth.registerCharger, { ...body });
  }

  @Patch(':id/registration')
  @AdminOnly()
  @ApiOperation({ summary: 'Accept, hold pending or block a charger' })
  @ApiOk(REGISTRATION_SCHEMA)
  @ApiErrors([400, 404])
  setRegistration(@Param() { id: chargerId }: ChargerIdPath, @Body() body: SetRegistrationDto): Promise<RegistrationView> {
    return call(this.bus, auth.setRegistration, { chargerId, state: body.state });
  }

  /** 202: the rotation runs on; GET on the same path shows how it went. */
  @Post(':id/authorization-key')
  @AdminOnly()
  @HttpCode(202)
  @ApiOperation({ summary: 'Rotate the AuthorizationKey (Basic Auth password): sent with ChangeConfiguration, GET shows the outcome' })
  @ApiOk(ROTATION_STARTED_SCHEMA, 202, 'The rotation started')
  @ApiErrors([400, 404, 409, 422], { 409: 'A rotation is in progress', 422: "The key does not suit the charger's decoding mode" })
  startRotation(@Param() { id: chargerId }: ChargerIdPath, @Body() body: RotateAuthorizationKeyDto): Promise<RotationStarted> {
    return call(this.bus, auth.startKeyRotation, { chargerId, key: body.key });
  }

  @Get(':id/authorization-key')
  @ApiOperation({ summary: 'How the AuthorizationKey rotation went' })
  @ApiOk(ROTATION_SCHEMA)
  @ApiErrors([400, 404])
  rotationStatus(@Param() { id: chargerId }: ChargerIdPath): Promise<RotationView> {
    return call(this.bus, auth.keyRotationStatus, { chargerId });
  }

  @Delete(':id/authorization-key')
  @AdminOnly()
  @ApiOperation({ summary: 'Abandon a rotation in progress (the old password stays valid)' })
  @ApiOk(ROTATION_SCHEMA)
  @ApiErrors([400, 404, 409], { 409: 'No rotation in progress' })
  abandonRotation(@Param() { id: chargerId }: ChargerIdPath): Promise<RotationView> {
    return call(this.bus, auth.abandonKeyRotation, { chargerId });
  }

  @Get(':id/security-events')
  @ApiOperation({ summary: 'Security events of a charger (its own SecurityEventNotification and ours), newest first' })
  @ApiOk(SECURITY_EVENTS_SCHEMA)
  @ApiErrors([400])
  securityEvents(@Param() { id: chargerId }: ChargerIdPath, @Query() query: PageQueryDto): Promise<{ items: SecurityEventView[] }> {
    return call(this.bus, auth.listSecurityEvents, { chargerId, limit: query.limit, offset: query.offset });
  }
}
