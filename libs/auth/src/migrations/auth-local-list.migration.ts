import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Local authorization list (docs/reference/design-decisions.md#driver-authorization): the charger's group, what auth
 * last sent it, and its reported limits.
 */
export class AuthLocalList1764000200000 implements MigrationInterface {
  name = 'AuthLocalList1764000200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE auth_chargers
        ADD COLUMN auth_group text,
        ADD COLUMN local_list_version integer NOT NULL DEFAULT 0,
        ADD COLUMN local_list_outcome text
          CHECK (local_list_outcome IN ('Accepted', 'Failed', 'NotSupported', 'VersionMismatch', 'not-connected', 'TooManyTags')),
        ADD COLUMN local_list_detail text,
        ADD COLUMN local_list_updated_at timestamptz,
        ADD COLUMN send_local_list_max_length integer,
        ADD COLUMN local_auth_list_max_length integer`);
    await q.query(`CREATE INDEX auth_chargers_group_idx ON auth_chargers (auth_group) WHERE auth_group IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS auth_chargers_group_idx`);
    await q.query(`
      ALTER TABLE auth_chargers
        DROP COLUMN IF EXISTS auth_group, DROP COLUMN IF EXISTS local_list_version, DROP COLUMN IF EXISTS local_list_outcome,
        DROP COLUMN IF EXISTS local_list_detail, DROP COLUMN IF EXISTS local_list_updated_at,
        DROP COLUMN IF EXISTS send_local_list_max_length, DROP COLUMN IF EXISTS local_auth_list_max_length`);
  }
}
