import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A Reset the charger may be carrying out (sent, then the socket closed before an answer, or Accepted): its
 * next BootNotification is linked to the command (registration/reset-links.ts). One row per charger, the
 * latest Reset wins; the boot that follows takes it.
 */
export class ConfigManagerPendingResets1764450000000 implements MigrationInterface {
  name = 'ConfigManagerPendingResets1764450000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE config_pending_resets (
        charger_id  text PRIMARY KEY,
        command_id  text NOT NULL,
        reset_type  text NOT NULL,
        outcome     text NOT NULL CHECK (outcome IN ('accepted', 'connection-lost')),
        sent_at     timestamptz NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS config_pending_resets`);
  }
}
