/**
 * The audit trail's actor for an API caller. The API has no user accounts yet: a caller may name itself in
 * X-Csms-Caller; anything that is not a plain name is recorded as anonymous.
 */
export function auditActor(caller: string | undefined): string {
  const name = (caller ?? '').trim().slice(0, 100);
  return `api:${/^[\w.@:-]+$/.test(name) ? name : 'anonymous'}`;
}
