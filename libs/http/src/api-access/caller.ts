import type { Role } from './roles.js';

/** Who is calling the operator API, as GET /api/v1/whoami shows it and the audit log records it. */
export interface ApiCaller {
  /** Token name, OIDC subject (or its preferred_username), or "loopback". */
  name: string;
  role: Role;
  kind: 'token' | 'oidc' | 'loopback';
  /** OIDC: the token's `sub`; API token: its id. */
  subject?: string;
}

/** The caller the access guard attached to an HTTP request. */
export const API_CALLER = Symbol.for('csms.api-caller');

export interface RequestWithCaller {
  [API_CALLER]?: ApiCaller;
}
