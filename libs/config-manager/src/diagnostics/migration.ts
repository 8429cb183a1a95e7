import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Diagnostics and log uploads (docs/diagnostics.md, docs/reference/design-decisions.md#diagnostics-uploads):
 * one row per request with the hash of its one-time upload token, and the received file in bytea chunks,
 * so any gateway replica can receive an upload and any can serve it (no shared volume).
 * `upload_attempt`: each claim of the token starts a new attempt; chunks of an older attempt (a broken
 * upload the charger retries) are ignored and deleted.
 */
export class ConfigManagerDiagnostics1764600000000 implements MigrationInterface {
  name = 'ConfigManagerDiagnostics1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE config_diagnostics (
        id              uuid PRIMARY KEY,
        request_id      serial NOT NULL UNIQUE,
        charger_id      text NOT NULL,
        kind            text NOT NULL,
        token_hash      text NOT NULL UNIQUE,
        expires_at      timestamptz NOT NULL,
        status          text NOT NULL,
        charger_status  text,
        file_name       text,
        stored_name     text,
        size            bigint,
        content_type    text,
        upload_attempt  integer NOT NULL DEFAULT 0,
        upload_lease    timestamptz,
        created_at      timestamptz NOT NULL DEFAULT now(),
        updated_at      timestamptz NOT NULL DEFAULT now(),
        received_at     timestamptz,
        requested_by    text,
        error           text
      )`);
    await q.query(`CREATE INDEX config_diagnostics_charger ON config_diagnostics (charger_id, kind, created_at DESC)`);
    await q.query(`
      CREATE TABLE config_diagnostics_chunks (
        diagnostics_id  uuid NOT NULL REFERENCES config_diagnostics (id) ON DELETE CASCADE,
        attempt         integer NOT NULL,
        seq             integer NOT NULL,
        data            bytea NOT NULL,
        PRIMARY KEY (diagnostics_id, attempt, seq)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS config_diagnostics_chunks`);
    await q.query(`DROP TABLE IF EXISTS config_diagnostics`);
  }
}
