import { HttpException, Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { ServerResponse } from 'node:http';
import { apiAuthRefusals } from './api-access-metrics.js';
import { ApiCallerResolver } from './api-caller-resolver.js';
import { API_AUDIT, type RequestWithAudit } from './audit-trail.js';
import { API_CALLER, type RequestWithCaller } from './caller.js';
import { bearerToken, isProtectedPath, pathOf, type ApiRequest } from './http-request.js';
import { ADMIN_ONLY, requiredRole, roleCovers } from './roles.js';

const CHARGER_ROUTE = /^\/api\/v1\/chargers\/:id(\/|$)/;

/**
 * The global guard of every /api/v1 route: GET and HEAD need viewer, every other method operator, a route
 * marked @AdminOnly() admin. 401 (with WWW-Authenticate: Bearer, RFC 6750 §3) when the caller is unknown,
 * 403 when its role is too weak; both in the API's error shape (the exception filter writes them).
 */
@Injectable()
export class ApiAccessGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(ApiCallerResolver) private readonly resolver: ApiCallerResolver,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const req = context.switchToHttp().getRequest<ApiRequest & RequestWithCaller & RequestWithAudit>();
    const res = context.switchToHttp().getResponse<ServerResponse>();
    const path = pathOf(req);
    if (!isProtectedPath(path)) return true;
    const method = req.method ?? 'GET';
    const adminOnly = this.reflector.getAllAndOverride<boolean | undefined>(ADMIN_ONLY, [context.getHandler(), context.getClass()]) ?? false;
    const needed = requiredRole(method, adminOnly);

    const bearer = bearerToken(req);
    const decision = bearer.ok
      ? await this.resolver.resolve({ token: bearer.token, remoteAddress: req.socket.remoteAddress })
      : ({ ok: false, status: 401, error: 'unauthorized', message: bearer.message } as const);
    if (!decision.ok) {
      if (decision.status === 401) res.setHeader('WWW-Authenticate', 'Bearer realm="csms"');
      apiAuthRefusals.inc({ status: String(decision.status), kind: bearer.ok && bearer.token !== undefined ? 'token' : 'none' });
      throw new HttpException({ error: decision.error, message: decision.message }, decision.status);
    }
    if (req.query && 'access_token' in req.query) withoutAccessToken(req);
    const caller = decision.caller;
    const route = typeof req.route?.path === 'string' ? req.route.path : path;
    req[API_CALLER] = caller;
    req[API_AUDIT] = { caller, route, chargerId: CHARGER_ROUTE.test(route) ? req.params?.id : undefined };
    if (!roleCovers(caller.role, needed)) {
      apiAuthRefusals.inc({ status: '403', kind: caller.kind });
      throw new HttpException(
        {
          error: 'forbidden',
          message: `${method} ${route} needs the ${needed} role; ${caller.name} has ${caller.role}`,
          requiredRole: needed,
          role: caller.role,
        },
        403,
      );
    }
    return true;
  }
}

/**
 * The token is the guard's, not the route's: a query DTO that refuses unknown parameters must not see it.
 * Express 5 parses `req.query` anew on each read (a getter), so the copy without it shadows the getter.
 */
function withoutAccessToken(req: ApiRequest): void {
  const { access_token: _token, ...rest } = req.query ?? {};
  Object.defineProperty(req, 'query', { value: rest, configurable: true, enumerable: true, writable: true });
}
