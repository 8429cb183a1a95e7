import type { MigrationInterface, QueryRunner } from 'typeorm';

/** config_chargers (model, last boot, connection) and config_boot_log. */
export class ConfigManagerRegistryInit1764100000000 implements MigrationInterface {
  name = 'ConfigManagerRegistryInit1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE config_chargers (
        charger_id                  text PRIMARY KEY,
        model                       text NOT NULL,
        model_override              text NULL,
        boot_vendor                 text NULL,
        boot_model                  text NULL,
        charge_point_serial_number  text NULL,
        charge_box_serial_number    text NULL,
        firmware_version            text NULL,
        iccid                       text NULL,
        imsi                        text NULL,
        meter_type                  text NULL,
        meter_serial_number         text NULL,
        boot_at                     timestamptz NULL,
        boot_status                 text NULL CHECK (boot_status IN ('Accepted', 'Pending', 'Rejected')),
        connected                   boolean NOT NULL DEFAULT false,
        gateway_id                  text NULL,
        session_id                  text NULL,
        connected_at                timestamptz NULL,
        disconnected_at             timestamptz NULL,
        remote_address              text NULL,
        connection_event_at         timestamptz NULL,
        last_seen                   timestamptz NULL,
        created_at                  timestamptz NOT NULL DEFAULT now(),
        updated_at                  timestamptz NOT NULL DEFAULT now()
      )`);
    // The API lists connected chargers (?connected=true) page by page in id order.
    await q.query(`CREATE INDEX config_chargers_connected_idx ON config_chargers (connected, charger_id)`);
    await q.query(`
      CREATE TABLE config_boot_log (
        id              bigserial PRIMARY KEY,
        charger_id      text NOT NULL,
        message_id      text NOT NULL,
        received_at     timestamptz NOT NULL,
        gateway_id      text NOT NULL,
        payload         jsonb NOT NULL,
        detected_model  text NOT NULL,
        status          text NOT NULL CHECK (status IN ('Accepted', 'Pending', 'Rejected')),
        reason          text NOT NULL
      )`);
    await q.query(`CREATE UNIQUE INDEX config_boot_log_charger_message_uq ON config_boot_log (charger_id, message_id)`);
    await q.query(`CREATE INDEX config_boot_log_charger_time_idx ON config_boot_log (charger_id, received_at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS config_boot_log`);
    await q.query(`DROP TABLE IF EXISTS config_chargers`);
  }
}
