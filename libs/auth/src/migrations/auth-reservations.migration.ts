import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Reservations (docs/reference/design-decisions.md#reservations): auth owns them beside the idTags they are for.
 * The id is the OCPP reservationId, a 32-bit integer (docs/ocpp-rules.md), from a sequence so replicas never
 * hand out the same one. The (charger, expiry) index serves the lookup every StartTransaction makes.
 */
export class AuthReservations1764000500000 implements MigrationInterface {
  name = 'AuthReservations1764000500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SEQUENCE auth_reservation_ids AS integer START 1 MAXVALUE 2147483647`);
    await q.query(`
      CREATE TABLE auth_reservations (
        reservation_id integer PRIMARY KEY DEFAULT nextval('auth_reservation_ids'),
        charger_id text NOT NULL,
        connector_id integer NOT NULL CHECK (connector_id >= 0),
        id_tag text NOT NULL,
        parent_id_tag text,
        expires_at timestamptz NOT NULL,
        state text NOT NULL CHECK (state IN ('pending', 'active', 'refused', 'failed', 'cancelled', 'expired', 'used')),
        reserve_status text,
        cancel_status text,
        detail text,
        transaction_id integer,
        requested_by text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        ended_at timestamptz
      )`);
    await q.query(`ALTER SEQUENCE auth_reservation_ids OWNED BY auth_reservations.reservation_id`);
    await q.query(`CREATE INDEX auth_reservations_charger_expiry_idx ON auth_reservations (charger_id, expires_at)`);
    await q.query(`CREATE INDEX auth_reservations_live_idx ON auth_reservations (expires_at) WHERE state IN ('pending', 'active')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS auth_reservations`);
    await q.query(`DROP SEQUENCE IF EXISTS auth_reservation_ids`);
  }
}
