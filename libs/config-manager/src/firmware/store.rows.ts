import { describeTable, type JsonValue } from '#csms/persistence';
import type { CampaignChargerState, CampaignState, RolloutPolicy } from './rollout.js';

/* The tables this store owns: its row types and their columns (libs/persistence/README.md). */

/** A row of config_firmware_campaigns (all its columns). The store reads target, signed_firmware and paused_reason as its own shapes. */
export interface ConfigFirmwareCampaignsRow {
  campaign_id: string;
  target: JsonValue;
  target_version: string;
  location: string;
  retrieve_date: Date;
  retries: number | null;
  retry_interval: number | null;
  policy: RolloutPolicy;
  state: CampaignState;
  paused_reason: JsonValue | null;
  accepted_wave: number;
  lease_until: Date | null;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
  signed_firmware: JsonValue | null;
}

export const CONFIG_FIRMWARE_CAMPAIGNS_TABLE = describeTable<ConfigFirmwareCampaignsRow>()('config_firmware_campaigns', {
  campaign_id: 'text',
  target: 'jsonb',
  target_version: 'text',
  location: 'text',
  retrieve_date: 'timestamp with time zone',
  retries: 'integer null',
  retry_interval: 'integer null',
  policy: 'jsonb',
  state: 'text',
  paused_reason: 'jsonb null',
  accepted_wave: 'integer',
  lease_until: 'timestamp with time zone null',
  created_by: 'text null',
  created_at: 'timestamp with time zone',
  updated_at: 'timestamp with time zone',
  signed_firmware: 'jsonb null',
});

/** A row of config_firmware_campaign_chargers (all its columns). */
export interface ConfigFirmwareCampaignChargersRow {
  campaign_id: string;
  charger_id: string;
  seq: number;
  wave: number | null;
  state: CampaignChargerState;
  reason: string | null;
  command_id: string | null;
  last_status: string | null;
  attempts: number;
  started_at: Date | null;
  state_at: Date;
  finished_at: Date | null;
  request_id: number | null;
}

export const CONFIG_FIRMWARE_CAMPAIGN_CHARGERS_TABLE = describeTable<ConfigFirmwareCampaignChargersRow>()('config_firmware_campaign_chargers', {
  campaign_id: 'text',
  charger_id: 'text',
  seq: 'integer',
  wave: 'integer null',
  state: 'text',
  reason: 'text null',
  command_id: 'text null',
  last_status: 'text null',
  attempts: 'integer',
  started_at: 'timestamp with time zone null',
  state_at: 'timestamp with time zone',
  finished_at: 'timestamp with time zone null',
  request_id: 'integer null',
});
