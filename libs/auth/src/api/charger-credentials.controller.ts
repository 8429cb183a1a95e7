import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Query } from '@nestjs/common';
import { BUS, subjects, type Bus } from '#csms/bus';
import { AdminOnly, callService, ChargerIdPath } from '#csms/http';
import type { RotationStarted, RotationView } from '../authorization-key-rotation.service.js';
import type { RegisteredCharger, RegistrationView } from '../charger-registry.service.js';
import { RegisterChargerDto, RotateAuthorizationKeyDto, SetRegistrationDto } from '../dto/charger.dto.js';
import { PageQueryDto } from '../dto/id-tag.dto.js';
import type { SecurityEventView } from '../security-events.service.js';

/** Charger credentials, registration and security events. Runs in the gateway: it only asks auth over the bus. */
@Controller('api/v1/chargers')
export class ChargerCredentialsController {
  constructor(@Inject(BUS) private readonly bus: Bus) {}

  /** 201 with the generated password (returned this once) when none was given. */
  @Post()
  @AdminOnly()
  register(@Body() body: RegisterChargerDto): Promise<RegisteredCharger> {
    return callService(this.bus, subjects.api('auth', 'registerCharger'), { ...body });
  }

  @Patch(':id/registration')
  @AdminOnly()
  setRegistration(@Param() { id: chargerId }: ChargerIdPath, @Body() body: SetRegistrationDto): Promise<RegistrationView> {
    return callService(this.bus, subjects.api('auth', 'setRegistration'), { chargerId, state: body.state });
  }

  /** 202: the rotation runs on; GET on the same path shows how it went. */
  @Post(':id/authorization-key')
  @AdminOnly()
  @HttpCode(202)
  startRotation(@Param() { id: chargerId }: ChargerIdPath, @Body() body: RotateAuthorizationKeyDto): Promise<RotationStarted> {
    return callService(this.bus, subjects.api('auth', 'startKeyRotation'), { chargerId, key: body.key });
  }

  @Get(':id/authorization-key')
  rotationStatus(@Param() { id: chargerId }: ChargerIdPath): Promise<RotationView> {
    return callService(this.bus, subjects.api('auth', 'keyRotationStatus'), { chargerId });
  }

  @Delete(':id/authorization-key')
  @AdminOnly()
  abandonRotation(@Param() { id: chargerId }: ChargerIdPath): Promise<RotationView> {
    return callService(this.bus, subjects.api('auth', 'abandonKeyRotation'), { chargerId });
  }

  @Get(':id/security-events')
  securityEvents(@Param() { id: chargerId }: ChargerIdPath, @Query() query: PageQueryDto): Promise<{ items: SecurityEventView[] }> {
    return callService(this.bus, subjects.api('auth', 'listSecurityEvents'), { chargerId, limit: query.limit, offset: query.offset });
  }
}
