import { Catch, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { BaseRpcExceptionFilter } from '@nestjs/microservices';
import type { ServerResponse } from 'node:http';
import { toApiError } from './api-error.js';

/**
 * The one error shape for every HTTP 4xx/5xx (docs/reference/design-decisions.md#one-error-shape), including Nest's own
 * 404 for an unknown route
 * and a pipe's 400. Message handlers on the bus (the same application, inheritAppConfig) keep Nest's RPC
 * handling: their errors are not HTTP answers.
 */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly log = new Logger('HTTP');
  private readonly rpc = new BaseRpcExceptionFilter();

  catch(exception: unknown, host: ArgumentsHost): unknown {
    if (host.getType() !== 'http') return this.rpc.catch(exception, host);
    const res = host.switchToHttp().getResponse<ServerResponse>();
    const { status, body, unexpected } = toApiError(exception);
    if (unexpected) this.log.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    if (res.headersSent) {
      res.destroy();
      return undefined;
    }
    res.statusCode = status;
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.end(JSON.stringify(body));
    return undefined;
  }
}
