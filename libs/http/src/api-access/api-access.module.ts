import { Logger, Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import type { ServerResponse } from 'node:http';
import type { Bus } from '#csms/bus';
import type { ApiAccessConfig } from '#csms/config';
import { ApiAccessGuard } from './api-access.guard.js';
import { ApiCallerResolver } from './api-caller-resolver.js';
import { AuditTrail } from './audit-trail.js';
import { corsMiddleware } from './cors.js';
import type { ApiRequest } from './http-request.js';
import { OidcVerifier } from './oidc-verifier.js';
import { API_TOKEN_DIRECTORY, BusApiTokenDirectory, type ApiTokenDirectory } from './token-directory.js';
import { WhoamiController } from './whoami.controller.js';

export type HttpMiddleware = (req: ApiRequest, res: ServerResponse, next: () => void) => void;

export interface ApiAccess {
  /** The guard, the caller resolver, the token directory and GET /api/v1/whoami. */
  module: DynamicModule;
  /** CORS and the audit trail: `app.use` them before the routes are registered (before init). */
  middlewares: HttpMiddleware[];
}

@Module({})
class ApiAccessModule {}

/**
 * Authentication and roles for the operator API of the process that serves it (gateway, csms).
 * docs/api-auth.md is the user's description of the same rules.
 */
export function apiAccess(access: ApiAccessConfig, bus: Bus): ApiAccess {
  const directory = new BusApiTokenDirectory(bus);
  const resolver = new ApiCallerResolver(access, directory, access.oidc ? new OidcVerifier(access.oidc) : undefined);
  const log = new Logger('ApiAccess');
  if (access.mode === 'loopback-trusted') {
    log.warn(
      'API_AUTH=loopback-trusted: requests from 127.0.0.1/::1 without a token act as admin; every other address needs a token (set API_AUTH=token to turn this off)',
    );
  } else {
    log.log(`API_AUTH=token: every /api/v1 request needs a bearer token${access.oidc ? ` (API tokens, or OIDC access tokens of ${access.oidc.issuer})` : ''}`);
  }
  if (access.corsOrigins.length) log.log(`CORS allowed for ${access.corsOrigins.join(', ')}`);
  return {
    module: {
      module: ApiAccessModule,
      global: true,
      controllers: [WhoamiController],
      providers: [
        { provide: API_TOKEN_DIRECTORY, useValue: directory satisfies ApiTokenDirectory },
        { provide: ApiCallerResolver, useValue: resolver },
        { provide: APP_GUARD, useClass: ApiAccessGuard },
      ],
      exports: [API_TOKEN_DIRECTORY],
    },
    middlewares: [corsMiddleware(access.corsOrigins), new AuditTrail(bus).watch as HttpMiddleware],
  };
}
