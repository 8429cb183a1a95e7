/**
 * How a service answers the HTTP API's bus questions (`api.<service>.<verb>`): data, or a refusal
 * carrying the HTTP status and body the API must return. Services never throw for business outcomes.
 */
export type ServiceReply<T> = { ok: true; data: T } | { ok: false; status: 400 | 404 | 409 | 422 | 503; body: ApiErrorBody };

export interface ApiFieldError {
  field?: string;
  key?: string;
  value?: unknown;
  rule: string;
  message: string;
}

export interface ApiErrorBody {
  error: string;
  message: string;
  errors?: ApiFieldError[];
}

export const ok = <T>(data: T): ServiceReply<T> => ({ ok: true, data });
export const refuse = (status: 400 | 404 | 409 | 422 | 503, error: string, message: string, errors?: ApiFieldError[]): ServiceReply<never> => ({
  ok: false,
  status,
  body: { error, message, ...(errors ? { errors } : {}) },
});
