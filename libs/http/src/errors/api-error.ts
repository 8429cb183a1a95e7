import { HttpException } from '@nestjs/common';
import type { ApiErrorBody } from '../service-reply.js';

/** Stable `error` codes for statuses whose body did not bring its own (Nest's 404, a pipe's 400, 429...). */
const CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  408: 'request_timeout',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'unprocessable_entity',
  429: 'too_many_requests',
  500: 'internal_error',
  501: 'not_implemented',
  502: 'bad_gateway',
  503: 'service_unavailable',
  504: 'gateway_timeout',
};

export function errorCodeFor(status: number): string {
  return CODES[status] ?? `http_${status}`;
}

export interface ApiError {
  status: number;
  body: ApiErrorBody & Record<string, unknown>;
  /** True when it was not an expected outcome (a 500 from a bug): worth a stack trace in the log. */
  unexpected: boolean;
}

/**
 * Any exception as the API's one error shape, `{ error, message, errors? }` (libs/http service-reply.ts):
 * bodies our code built pass as they are; Nest's own (`{ statusCode, message, error: 'Not Found' }` from
 * the router, a pipe's 400, a parser's 400/413) get a stable code and a single message; anything else is
 * a 500 that says nothing about the internals.
 */
export function toApiError(exception: unknown): ApiError {
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const response = exception.getResponse();
    if (typeof response === 'string') return { status, body: { error: errorCodeFor(status), message: response }, unexpected: false };
    const r = response as Record<string, unknown>;
    if (typeof r.error === 'string' && typeof r.message === 'string' && !('statusCode' in r)) {
      return { status, body: r as ApiErrorBody & Record<string, unknown>, unexpected: false };
    }
    const message = Array.isArray(r.message) ? r.message.map(String).join('; ') : typeof r.message === 'string' ? r.message : exception.message;
    const error = status === 400 && /^Validation failed/.test(message) ? 'validation_failed' : errorCodeFor(status);
    return { status, body: { error, message }, unexpected: false };
  }
  // body-parser's errors (bad JSON, too large, bad charset) carry their HTTP status and a message meant for the client.
  const e = exception as { status?: unknown; statusCode?: unknown; expose?: unknown; message?: unknown; type?: unknown } | undefined;
  const status = typeof e?.status === 'number' ? e.status : typeof e?.statusCode === 'number' ? e.statusCode : undefined;
  if (status !== undefined && status >= 400 && status < 500 && e?.expose === true) {
    const error = e.type === 'entity.parse.failed' ? 'invalid_json' : errorCodeFor(status);
    return { status, body: { error, message: typeof e.message === 'string' ? e.message : errorCodeFor(status) }, unexpected: false };
  }
  return { status: 500, body: { error: 'internal_error', message: 'internal server error (logged on the server)' }, unexpected: true };
}
