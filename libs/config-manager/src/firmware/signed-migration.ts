import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Signed firmware campaigns (docs/api-firmware-campaigns.md#signed-firmware): `signed_firmware` holds the
 * signing certificate, signature and install time a campaign sends with SignedUpdateFirmware (null: a plain
 * UpdateFirmware campaign); `request_id` is the OCPP requestId each charger's SignedUpdateFirmware carried, which
 * its SignedFirmwareStatusNotifications name. The sequence keeps requestIds distinct across campaigns and
 * replicas, within OCPP's 32-bit integers.
 */
export class ConfigManagerSignedFirmware1764620000000 implements MigrationInterface {
  name = 'ConfigManagerSignedFirmware1764620000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE config_firmware_campaigns ADD COLUMN signed_firmware jsonb`);
    await q.query(`ALTER TABLE config_firmware_campaign_chargers ADD COLUMN request_id integer`);
    await q.query(`CREATE SEQUENCE config_firmware_request_ids AS integer MINVALUE 1 MAXVALUE 2147483647 CYCLE`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP SEQUENCE IF EXISTS config_firmware_request_ids`);
    await q.query(`ALTER TABLE config_firmware_campaign_chargers DROP COLUMN IF EXISTS request_id`);
    await q.query(`ALTER TABLE config_firmware_campaigns DROP COLUMN IF EXISTS signed_firmware`);
  }
}
