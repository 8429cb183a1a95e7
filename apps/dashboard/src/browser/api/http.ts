/**
 * The one place the dashboard talks HTTP to the operator API: same origin, JSON, the bearer token when
 * one is in use. A refusal becomes an ApiError with the status and the API's error body as sent.
 */
import type { ApiErrorBody } from '../../domain/api-types.js';
import { currentToken } from './session.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiErrorBody,
  ) {
    super(`${status} ${body.error}: ${body.message}`);
  }
}

/** Fired on window when the API answers 401: the app shows the sign-in page. */
export const UNAUTHORIZED_EVENT = 'csms:unauthorized';

export function authHeaders(): Record<string, string> {
  const token = currentToken();
  return token ? { Authorization: `Bearer ${token}` } : {};
}

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(path, {
    method,
    headers: { Accept: 'application/json', ...authHeaders(), ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (res.ok) return parsed as T;
  const error: ApiErrorBody =
    parsed && typeof parsed === 'object' && 'error' in parsed
      ? (parsed as ApiErrorBody)
      : { error: `http_${res.status}`, message: text.slice(0, 500) || res.statusText };
  if (res.status === 401) window.dispatchEvent(new CustomEvent(UNAUTHORIZED_EVENT, { detail: error }));
  throw new ApiError(res.status, error);
}

export const apiGet = <T>(path: string): Promise<T> => request<T>('GET', path);
export const apiPost = <T>(path: string, body: unknown): Promise<T> => request<T>('POST', path, body);

/**
 * 404 on a route without an id in its path (summary, whoami, events) means this server does not have the
 * route (yet): the dashboard falls back instead of failing.
 */
export const isMissingRoute = (err: unknown): boolean => err instanceof ApiError && err.status === 404;
