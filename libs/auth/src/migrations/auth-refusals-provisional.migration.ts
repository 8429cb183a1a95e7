import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * docs/reference/design-decisions.md#connect-throttling: refused connects are aggregated (one event per address,
 * charger and reason per minute, with a
 * count), and a charger registered by UNKNOWN_CHARGERS stays provisional until its first BootNotification.
 * Existing chargers are not provisional: they were registered before the rule existed.
 */
export class AuthRefusalsProvisional1764000300000 implements MigrationInterface {
  name = 'AuthRefusalsProvisional1764000300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE auth_security_events ADD COLUMN count integer NOT NULL DEFAULT 1 CHECK (count >= 1)`);
    await q.query(`ALTER TABLE auth_chargers ADD COLUMN provisional boolean NOT NULL DEFAULT false`);
    // The sweeper's only question: provisional records by age.
    await q.query(`CREATE INDEX auth_chargers_provisional_idx ON auth_chargers (created_at) WHERE provisional`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS auth_chargers_provisional_idx`);
    await q.query(`ALTER TABLE auth_chargers DROP COLUMN IF EXISTS provisional`);
    await q.query(`ALTER TABLE auth_security_events DROP COLUMN IF EXISTS count`);
  }
}
