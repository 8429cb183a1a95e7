import { SetMetadata } from '@nestjs/common';

/**
 * The operator API's roles, weakest first: viewer reads everything, operator also changes what an operator
 * runs day to day (commands, idTags, configuration, local lists, boot policy), admin also holds the keys
 * (API tokens, the audit log, charger registration, AuthorizationKey rotation, model override).
 */
export const ROLES = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** True when `held` is `needed` or a stronger role. */
export function roleCovers(held: Role, needed: Role): boolean {
  return ROLES.indexOf(held) >= ROLES.indexOf(needed);
}

/** The strongest role among `values` (an OIDC claim may list several); undefined when none is a role. */
export function highestRole(values: readonly unknown[]): Role | undefined {
  let best: Role | undefined;
  for (const v of values) if (isRole(v) && (!best || roleCovers(v, best))) best = v;
  return best;
}

export const ADMIN_ONLY = 'csms:api-admin-only';

/** A route only an admin may call, whatever its method (on a handler or a whole controller). */
export const AdminOnly = (): MethodDecorator & ClassDecorator => SetMetadata(ADMIN_ONLY, true);

const READ_METHODS = new Set(['GET', 'HEAD']);

/** The role a request needs: reads need viewer, every other method operator, a route marked @AdminOnly admin. */
export function requiredRole(method: string, adminOnly: boolean): Role {
  if (adminOnly) return 'admin';
  return READ_METHODS.has(method.toUpperCase()) ? 'viewer' : 'operator';
}

/** Requests that change state: the ones written to the audit log. */
export function changesState(method: string): boolean {
  const m = method.toUpperCase();
  return !READ_METHODS.has(m) && m !== 'OPTIONS';
}
