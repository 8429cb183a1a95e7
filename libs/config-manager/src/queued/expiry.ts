import type { ApiFieldError } from '#csms/http';

/** Without `expiresAt` a queued command waits this long, and no command may wait longer (docs/api-commands.md#queued-commands). */
export const MAX_QUEUED_MS = 7 * 24 * 3_600_000;

/**
 * The moment a queued command expires: `expiresAt` when it is an ISO time in the future no more than
 * MAX_QUEUED_MS away, `now` + MAX_QUEUED_MS when absent; otherwise the field error naming `expiresAt`.
 */
export function expiryOf(raw: unknown, now: Date): { ok: true; at: Date } | { ok: false; error: ApiFieldError } {
  if (raw === undefined || raw === null) return { ok: true, at: new Date(now.getTime() + MAX_QUEUED_MS) };
  const bad = (rule: string, message: string): { ok: false; error: ApiFieldError } => ({ ok: false, error: { field: 'expiresAt', value: raw, rule, message } });
  // An ISO 8601 time with a date and a time of day; Date.parse alone would also take '2026' or 'March 1'.
  if (typeof raw !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(raw) || Number.isNaN(Date.parse(raw))) {
    return bad('isoTime', 'expiresAt must be an ISO 8601 time with a time zone, e.g. 2026-03-01T12:00:00Z');
  }
  const at = new Date(Date.parse(raw));
  if (at.getTime() <= now.getTime()) return bad('future', 'expiresAt must be in the future');
  if (at.getTime() - now.getTime() > MAX_QUEUED_MS) return bad('max', `expiresAt must be at most ${MAX_QUEUED_MS / 86_400_000} days ahead`);
  return { ok: true, at };
}
