import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Operator API access (docs/api-auth.md): API tokens (only their SHA-256 is kept) and the audit log of every
 * state-changing API request. In auth's database because the gateway has none (docs/reference/design-decisions.md#persistence).
 */
export class AuthApiAccess1764000400000 implements MigrationInterface {
  name = 'AuthApiAccess1764000400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE auth_api_tokens (
        id uuid PRIMARY KEY,
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
        role text NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
        token_hash char(64) NOT NULL UNIQUE,
        bootstrap boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        created_by text,
        last_used_at timestamptz,
        revoked_at timestamptz
      )`);
    // One active token per name, so a name in the audit log names one token at a time.
    await q.query(`CREATE UNIQUE INDEX auth_api_tokens_active_name_idx ON auth_api_tokens (name) WHERE revoked_at IS NULL`);
    // The generated first admin token is made once, even by auth replicas starting together.
    await q.query(`CREATE UNIQUE INDEX auth_api_tokens_bootstrap_idx ON auth_api_tokens (bootstrap) WHERE bootstrap`);
    await q.query(`
      CREATE TABLE auth_api_audit (
        id bigserial PRIMARY KEY,
        at timestamptz NOT NULL,
        actor text NOT NULL,
        actor_kind text NOT NULL CHECK (actor_kind IN ('token', 'oidc', 'loopback')),
        role text NOT NULL,
        method text NOT NULL,
        route text NOT NULL,
        path text NOT NULL,
        charger_id text,
        status integer NOT NULL
      )`);
    await q.query(`CREATE INDEX auth_api_audit_at_idx ON auth_api_audit (at DESC, id DESC)`);
    await q.query(`CREATE INDEX auth_api_audit_charger_idx ON auth_api_audit (charger_id, at DESC) WHERE charger_id IS NOT NULL`);
    await q.query(`CREATE INDEX auth_api_audit_actor_idx ON auth_api_audit (actor, at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS auth_api_audit`);
    await q.query(`DROP TABLE IF EXISTS auth_api_tokens`);
  }
}
