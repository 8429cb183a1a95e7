import { Module } from '@nestjs/common';
import { ApiTokensApiController, AuditApiController } from './api-access-api.controller.js';
import { ChargerCredentialsController } from './charger-credentials.controller.js';
import { IdTagsApiController } from './id-tags-api.controller.js';
import { LocalAuthListApiController } from './local-auth-list-api.controller.js';
import { ReservationsApiController } from './reservations-api.controller.js';

/** Auth's HTTP routes, mounted by the gateway (needs the BUS provider, from BusModule). No service logic here. */
@Module({
  controllers: [
    ChargerCredentialsController,
    IdTagsApiController,
    LocalAuthListApiController,
    ApiTokensApiController,
    AuditApiController,
    ReservationsApiController,
  ],
})
export class AuthApiModule {}
