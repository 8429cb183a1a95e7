import type { ServerResponse } from 'node:http';
import type { ApiRequest } from './http-request.js';

const ALLOWED_METHODS = 'GET, HEAD, POST, PUT, PATCH, DELETE';
const ALLOWED_HEADERS = 'Authorization, Content-Type, Last-Event-ID';
const PREFLIGHT_MAX_AGE_S = '600';

/**
 * CORS (Fetch standard §3.2) for an allow-list of exact origins (API_CORS_ORIGINS); off when the list is
 * empty. An allowed origin gets its own origin echoed (never `*`) and no credentials flag: the API reads
 * bearer tokens, not cookies. A preflight from another origin is answered 403 so it fails at once.
 */
export function corsMiddleware(origins: readonly string[]): (req: ApiRequest, res: ServerResponse, next: () => void) => void {
  const allowed = new Set(origins);
  return (req, res, next) => {
    if (allowed.size === 0) return next();
    const origin = req.headers.origin;
    if (origin === undefined) return next();
    res.appendHeader?.('Vary', 'Origin');
    const ok = allowed.has(origin);
    const preflight = req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;
    if (ok) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Expose-Headers', 'WWW-Authenticate, Retry-After, Location');
    }
    if (!preflight) return next();
    if (!ok) {
      res.statusCode = 403;
      res.setHeader('Content-Type', 'application/json; charset=utf-8');
      res.end(JSON.stringify({ error: 'cors_origin_denied', message: `origin ${origin} is not in API_CORS_ORIGINS` }));
      return;
    }
    res.statusCode = 204;
    res.setHeader('Access-Control-Allow-Methods', ALLOWED_METHODS);
    res.setHeader('Access-Control-Allow-Headers', ALLOWED_HEADERS);
    res.setHeader('Access-Control-Max-Age', PREFLIGHT_MAX_AGE_S);
    res.end();
  };
}
