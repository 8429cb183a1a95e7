import type { IncomingMessage } from 'node:http';

/** What the access code reads of an Express request (kept structural: no @types/express here). */
export interface ApiRequest extends IncomingMessage {
  originalUrl?: string;
  query?: Record<string, unknown>;
  params?: Record<string, string>;
  route?: { path?: unknown };
}

/** The request's path without the query string. */
export function pathOf(req: Pick<ApiRequest, 'originalUrl' | 'url'>): string {
  const url = req.originalUrl ?? req.url ?? '/';
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

/** The operator API: everything under /api/v1. /health/*, /metrics, /api/docs and the dashboard's files stay open. */
export function isProtectedPath(path: string): boolean {
  return path === '/api/v1' || path.startsWith('/api/v1/');
}

export type BearerOutcome = { ok: true; token?: string } | { ok: false; message: string };

/**
 * The bearer token of a request (RFC 6750): the Authorization header, or on a GET the `access_token` query
 * parameter (§2.3), which the event stream needs because a browser's EventSource cannot send headers.
 */
export function bearerToken(req: ApiRequest): BearerOutcome {
  const header = req.headers.authorization;
  if (header !== undefined) {
    const m = /^Bearer +([^\s]+) *$/i.exec(header);
    if (!m) return { ok: false, message: 'the Authorization header must be "Bearer <token>"' };
    return { ok: true, token: m[1] };
  }
  const fromQuery = req.query?.access_token;
  if (fromQuery !== undefined && req.method === 'GET') {
    if (typeof fromQuery !== 'string' || fromQuery === '') return { ok: false, message: 'access_token must be given once, not empty' };
    return { ok: true, token: fromQuery };
  }
  return { ok: true };
}
