import type { ApiCaller } from './api-access/caller.js';

/**
 * The configuration audit trail's actor for an API caller: the authenticated caller's name (API token name,
 * OIDC subject, or `loopback`), never a name the request declares about itself. Anything that is not a plain
 * name is recorded as anonymous.
 */
export function auditActor(caller: Pick<ApiCaller, 'name'> | undefined): string {
  const name = (caller?.name ?? '').trim().slice(0, 100);
  return `api:${/^[\w.@:-]+$/.test(name) ? name : 'anonymous'}`;
}
