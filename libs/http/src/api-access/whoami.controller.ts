import { Controller, Get, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiV1 } from '../openapi/api-docs.js';
import { ApiOk, S } from '../openapi/response-schema.js';
import { API_CALLER, type ApiCaller, type RequestWithCaller } from './caller.js';

/** The caller the access guard resolved for this request (undefined outside /api/v1). */
export const CurrentCaller = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): ApiCaller | undefined => ctx.switchToHttp().getRequest<RequestWithCaller>()[API_CALLER],
);

@ApiTags('access')
@ApiV1({ asksServices: false })
@Controller('api/v1/whoami')
export class WhoamiController {
  @Get()
  @ApiOperation({ summary: 'Who this request is authenticated as: name, role and how (token, oidc, loopback)' })
  @ApiOk(S.obj({ name: S.str, role: S.enum(['viewer', 'operator', 'admin']), kind: S.enum(['token', 'oidc', 'loopback']) }))
  whoami(@CurrentCaller() caller: ApiCaller | undefined): { name: string; role: string; kind: string } {
    // The guard ran before this: a caller is always set here.
    const c = caller as ApiCaller;
    return { name: c.name, role: c.role, kind: c.kind };
  }
}
