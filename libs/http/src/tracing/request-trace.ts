/**
 * Each operator API request runs in a trace (docs/deploy.md#37-logs-and-traces): the caller's W3C
 * `traceparent` continues theirs; else an `X-Request-Id` that is a trace id (32 hex digits, or a UUID)
 * becomes the trace id; else a new one is made. The trace id is answered as `X-Request-Id`, so a caller can
 * quote it and an operator find every log line and span of that request. Health and metrics are not traced.
 */
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import {
  ROOT_CONTEXT,
  SpanKind,
  bindToActiveContext,
  contextWithTraceId,
  currentTraceId,
  extractTrace,
  hasTrace,
  inSpan,
  type Context,
  type TraceCarrier,
} from '#csms/tracing';
import { pathOf, type ApiRequest } from '../api-access/http-request.js';

export const REQUEST_ID_HEADER = 'X-Request-Id';

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Where a request's trace starts: the caller's traceparent, its request id, or nothing (a new trace). */
export function requestParent(headers: IncomingHttpHeaders): Context {
  const carrier: TraceCarrier = {};
  for (const name of ['traceparent', 'tracestate']) {
    const value = single(headers[name]);
    if (value) carrier[name] = value;
  }
  const continued = extractTrace(carrier);
  if (hasTrace(continued)) return continued;
  const requestId = single(headers['x-request-id'])?.trim().replace(/-/g, '').toLowerCase();
  if (requestId && /^[0-9a-f]{32}$/.test(requestId) && !/^0+$/.test(requestId)) return contextWithTraceId(requestId);
  return ROOT_CONTEXT;
}

export function requestTracing(): (req: ApiRequest, res: ServerResponse, next: () => void) => void {
  return (req, res, next) => {
    const path = pathOf(req);
    if (!path.startsWith('/api/')) return next();
    const method = req.method ?? 'GET';
    // the path only: a query may hold an access_token
    void inSpan(
      `${method} ${path.startsWith('/api/v1/') ? '/api/v1' : '/api'}`,
      { parent: requestParent(req.headers), kind: SpanKind.SERVER, attributes: { 'http.request.method': method, 'url.path': path } },
      (span) =>
        new Promise<void>((resolve) => {
          res.setHeader(REQUEST_ID_HEADER, currentTraceId() ?? '');
          // the body arrives on the connection's socket events: bound, the parser's callback stays in this trace
          bindToActiveContext(req);
          bindToActiveContext(res);
          res.once('close', () => {
            const route = typeof req.route?.path === 'string' ? req.route.path : undefined;
            if (route) span.updateName(`${method} ${route}`);
            span.setAttribute('http.response.status_code', res.statusCode);
            resolve();
          });
          next();
        }),
    );
  };
}
