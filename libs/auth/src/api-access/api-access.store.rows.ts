import { describeTable } from '#csms/persistence';

/* The tables this store owns: its row types and their columns (libs/persistence/README.md). */

/** A row of auth_api_audit (all its columns). */
export interface AuthApiAuditRow {
  id: string;
  at: Date;
  actor: string;
  actor_kind: string;
  role: string;
  method: string;
  route: string;
  path: string;
  charger_id: string | null;
  status: number;
}

export const AUTH_API_AUDIT_TABLE = describeTable<AuthApiAuditRow>()('auth_api_audit', {
  id: 'bigint',
  at: 'timestamp with time zone',
  actor: 'text',
  actor_kind: 'text',
  role: 'text',
  method: 'text',
  route: 'text',
  path: 'text',
  charger_id: 'text null',
  status: 'integer',
});

/** A row of auth_api_tokens (all its columns). */
export interface AuthApiTokensRow {
  id: string;
  name: string;
  role: string;
  token_hash: string;
  bootstrap: boolean;
  created_at: Date;
  created_by: string | null;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

export const AUTH_API_TOKENS_TABLE = describeTable<AuthApiTokensRow>()('auth_api_tokens', {
  id: 'uuid',
  name: 'text',
  role: 'text',
  token_hash: 'character',
  bootstrap: 'boolean',
  created_at: 'timestamp with time zone',
  created_by: 'text null',
  last_used_at: 'timestamp with time zone null',
  revoked_at: 'timestamp with time zone null',
});
