import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AuthInit1764000100000 implements MigrationInterface {
  name = 'AuthInit1764000100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE auth_chargers (
        charger_id text PRIMARY KEY,
        security_profile smallint NOT NULL CHECK (security_profile BETWEEN 0 AND 3),
        registration_state text NOT NULL CHECK (registration_state IN ('accepted', 'pending', 'blocked')),
        use_authorization_key_without_decoding boolean,
        authorization_key_set_before boolean NOT NULL DEFAULT false,
        password_hash text,
        pending_password_hash text,
        rotation_id uuid,
        rotation_state text NOT NULL DEFAULT 'idle'
          CHECK (rotation_state IN ('idle', 'sending', 'accepted', 'rejected', 'not-supported', 'timeout', 'abandoned')),
        rotation_without_decoding boolean,
        rotation_outcome text,
        rotation_started_at timestamptz,
        rotation_updated_at timestamptz,
        rotation_completed_at timestamptz,
        free_charging boolean,
        free_charging_id_tag text,
        reported_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE auth_id_tags (
        id_tag text PRIMARY KEY,
        status text NOT NULL CHECK (status IN ('Accepted', 'Blocked', 'Expired', 'Invalid')),
        expiry_date timestamptz,
        parent_id_tag text,
        group_name text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // IdToken is CiString20: 'abc' and 'ABC' are one tag.
    await q.query(`CREATE UNIQUE INDEX auth_id_tags_lower_uq ON auth_id_tags (lower(id_tag))`);
    await q.query(`CREATE INDEX auth_id_tags_group_idx ON auth_id_tags (group_name) WHERE group_name IS NOT NULL`);
    await q.query(`
      CREATE TABLE auth_security_events (
        id bigserial PRIMARY KEY,
        charger_id text NOT NULL,
        type text NOT NULL,
        tech_info text,
        "timestamp" timestamptz NOT NULL,
        remote_address text,
        source text NOT NULL CHECK (source IN ('charger', 'csms'))
      )`);
    // Idempotent consumption of SecurityEventNotification; our own events may repeat within one instant.
    await q.query(`
      CREATE UNIQUE INDEX auth_security_events_charger_uq
        ON auth_security_events (charger_id, "timestamp", type) WHERE source = 'charger'`);
    await q.query(`CREATE INDEX auth_security_events_charger_idx ON auth_security_events (charger_id, "timestamp" DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS auth_security_events`);
    await q.query(`DROP TABLE IF EXISTS auth_id_tags`);
    await q.query(`DROP TABLE IF EXISTS auth_chargers`);
  }
}
