import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Firmware campaigns (docs/api-firmware-campaigns.md): one row per campaign, one per charger it targets. Every
 * state change is a conditional UPDATE (replicas share the rows, docs/reference/design-decisions.md#firmware-campaigns).
 * `wave`: the charger's wave (null under a maxConcurrent policy); `accepted_wave`: the highest wave whose failure
 * rate passed the policy, or that an operator resumed past. `lease_until`: one replica advances a campaign at a time.
 */
export class ConfigManagerFirmwareCampaigns1764610000000 implements MigrationInterface {
  name = 'ConfigManagerFirmwareCampaigns1764610000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE config_firmware_campaigns (
        campaign_id     text PRIMARY KEY,
        target          jsonb NOT NULL,
        target_version  text NOT NULL,
        location        text NOT NULL,
        retrieve_date   timestamptz NOT NULL,
        retries         integer,
        retry_interval  integer,
        policy          jsonb NOT NULL,
        state           text NOT NULL CHECK (state IN ('running', 'paused', 'cancelled', 'completed')),
        paused_reason   jsonb,
        accepted_wave   integer NOT NULL DEFAULT -1,
        lease_until     timestamptz,
        created_by      text,
        created_at      timestamptz NOT NULL DEFAULT now(),
        updated_at      timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE config_firmware_campaign_chargers (
        campaign_id   text NOT NULL REFERENCES config_firmware_campaigns (campaign_id) ON DELETE CASCADE,
        charger_id    text NOT NULL,
        seq           integer NOT NULL,
        wave          integer,
        state         text NOT NULL CHECK (state IN ('pending', 'not-applicable', 'queued', 'downloading', 'downloaded', 'installing', 'installed', 'succeeded', 'failed', 'cancelled')),
        reason        text,
        command_id    text,
        last_status   text,
        attempts      integer NOT NULL DEFAULT 0,
        started_at    timestamptz,
        state_at      timestamptz NOT NULL DEFAULT now(),
        finished_at   timestamptz,
        PRIMARY KEY (campaign_id, charger_id)
      )`);
    await q.query(`CREATE INDEX config_firmware_campaign_chargers_active ON config_firmware_campaign_chargers (charger_id)
      WHERE state IN ('queued', 'downloading', 'downloaded', 'installing', 'installed')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS config_firmware_campaign_chargers`);
    await q.query(`DROP TABLE IF EXISTS config_firmware_campaigns`);
  }
}
