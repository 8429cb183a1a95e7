import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The server secret of the keyed credential hashes (docs/reference/design-decisions.md#credential-hashing), kept
 * here when AUTH_CREDENTIAL_SECRET is not set, so every auth replica uses the same one.
 */
export class AuthServerSecrets1764000460000 implements MigrationInterface {
  name = 'AuthServerSecrets1764000460000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE auth_server_secrets (
        name text PRIMARY KEY,
        secret bytea NOT NULL CHECK (length(secret) >= 32),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS auth_server_secrets`);
  }
}
