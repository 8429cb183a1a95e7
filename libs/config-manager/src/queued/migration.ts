import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Queued commands for chargers that are offline (docs/api-commands.md#queued-commands): one row per command,
 * delivered in `seq` order per charger, and one row per delivery attempt. `lease_until` bounds a 'delivering'
 * claim: a replica that died mid-delivery leaves a claim that another replica may take once it has lapsed.
 * `held_at`: an attempt without an answer (connection lost, timeout) holds the command until the charger's next
 * connection or boot after that moment.
 */
export class ConfigManagerQueuedCommands1764520000000 implements MigrationInterface {
  name = 'ConfigManagerQueuedCommands1764520000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE config_queued_commands (
        seq           bigserial PRIMARY KEY,
        command_id    text NOT NULL UNIQUE,
        charger_id    text NOT NULL,
        action        text NOT NULL,
        payload       jsonb NOT NULL,
        status        text NOT NULL CHECK (status IN ('pending', 'delivering', 'succeeded', 'failed', 'expired', 'cancelled')),
        created_at    timestamptz NOT NULL DEFAULT now(),
        expires_at    timestamptz NOT NULL,
        requested_by  text,
        attempts      integer NOT NULL DEFAULT 0,
        lease_until   timestamptz,
        held_at       timestamptz,
        finished_at   timestamptz,
        result        jsonb,
        error         jsonb,
        cancelled_by  text
      )`);
    await q.query(`CREATE INDEX config_queued_commands_open ON config_queued_commands (charger_id, seq) WHERE status IN ('pending', 'delivering')`);
    await q.query(`CREATE INDEX config_queued_commands_charger ON config_queued_commands (charger_id, seq DESC)`);
    await q.query(`
      CREATE TABLE config_queued_command_attempts (
        command_id       text NOT NULL REFERENCES config_queued_commands (command_id) ON DELETE CASCADE,
        attempt          integer NOT NULL,
        sent_command_id  text NOT NULL,
        started_at       timestamptz NOT NULL DEFAULT now(),
        finished_at      timestamptz,
        outcome          text,
        detail           jsonb,
        PRIMARY KEY (command_id, attempt)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS config_queued_command_attempts`);
    await q.query(`DROP TABLE IF EXISTS config_queued_commands`);
  }
}
