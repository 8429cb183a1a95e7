import { describeTable, type JsonValue } from '#csms/persistence';

/* The tables this store owns: its row types and their columns (libs/persistence/README.md). */

/** A row of config_site_limits (all its columns). */
export interface ConfigSiteLimitsRow {
  group_name: string;
  limit_a: number;
  rotation_s: number;
  lease_until: Date | null;
  allocated_at: Date | null;
  updated_by: string | null;
  created_at: Date;
  updated_at: Date;
}

export const CONFIG_SITE_LIMITS_TABLE = describeTable<ConfigSiteLimitsRow>()('config_site_limits', {
  group_name: 'text',
  limit_a: 'double precision',
  rotation_s: 'integer',
  lease_until: 'timestamp with time zone null',
  allocated_at: 'timestamp with time zone null',
  updated_by: 'text null',
  created_at: 'timestamp with time zone',
  updated_at: 'timestamp with time zone',
});

/** A row of config_site_limit_sessions (all its columns). The store reads `measured` as Current.Import per phase. */
export interface ConfigSiteLimitSessionsRow {
  charger_id: string;
  connector_id: number;
  transaction_id: number;
  started_at: Date;
  state: 'new' | 'charging' | 'waiting';
  offered_a: number | null;
  offered_at: Date | null;
  raised_at: Date | null;
  self_limited: boolean;
  running_since: Date | null;
  waiting_since: Date | null;
  turns: number;
  measured: JsonValue | null;
  measured_a: number | null;
  measured_at: Date | null;
  last_error: string | null;
}

export const CONFIG_SITE_LIMIT_SESSIONS_TABLE = describeTable<ConfigSiteLimitSessionsRow>()('config_site_limit_sessions', {
  charger_id: 'text',
  connector_id: 'integer',
  transaction_id: 'integer',
  started_at: 'timestamp with time zone',
  state: 'text',
  offered_a: 'double precision null',
  offered_at: 'timestamp with time zone null',
  raised_at: 'timestamp with time zone null',
  self_limited: 'boolean',
  running_since: 'timestamp with time zone null',
  waiting_since: 'timestamp with time zone null',
  turns: 'integer',
  measured: 'jsonb null',
  measured_a: 'double precision null',
  measured_at: 'timestamp with time zone null',
  last_error: 'text null',
});

/** A row of config_site_limit_fallbacks (all its columns). */
export interface ConfigSiteLimitFallbacksRow {
  charger_id: string;
  group_name: string;
  limit_a: number;
  outcome: string;
  sent_at: Date;
}

export const CONFIG_SITE_LIMIT_FALLBACKS_TABLE = describeTable<ConfigSiteLimitFallbacksRow>()('config_site_limit_fallbacks', {
  charger_id: 'text',
  group_name: 'text',
  limit_a: 'integer',
  outcome: 'text',
  sent_at: 'timestamp with time zone',
});
