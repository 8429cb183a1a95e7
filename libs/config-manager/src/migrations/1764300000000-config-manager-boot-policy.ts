import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Operator boot policy per charger (docs/reference/design-decisions.md#boot-policy): with `apply_config_before_accept`
 * a BootNotification is answered
 * Pending until the charger's configuration is in sync with its desired one. Off by default, so existing chargers
 * keep being Accepted as before.
 */
export class ConfigManagerBootPolicy1764300000000 implements MigrationInterface {
  name = 'ConfigManagerBootPolicy1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE config_chargers ADD COLUMN apply_config_before_accept boolean NOT NULL DEFAULT false`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE config_chargers DROP COLUMN IF EXISTS apply_config_before_accept`);
  }
}
