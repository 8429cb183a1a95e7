import { describeTable } from '#csms/persistence';

/* The tables this store owns: its row types and their columns (libs/persistence/README.md). */

/** 'charger': its SecurityEventNotification; 'csms': our own findings (failed logins, refusals). */
export type SecurityEventSource = 'charger' | 'csms';

/**
 * Security events: the charger's SecurityEventNotification (source 'charger', unique per charger,
 * timestamp and type so redelivery is harmless) and our own findings such as failed logins ('csms').
 */
export interface AuthSecurityEventsRow {
  id: string;
  charger_id: string;
  type: string;
  tech_info: string | null;
  timestamp: Date;
  remote_address: string | null;
  source: SecurityEventSource;
  /** Our refusals are aggregated: how many attempts this row stands for (see refusal-events.ts). */
  count: number;
}

export const AUTH_SECURITY_EVENTS_TABLE = describeTable<AuthSecurityEventsRow>()('auth_security_events', {
  id: 'bigint',
  charger_id: 'text',
  type: 'text',
  tech_info: 'text null',
  timestamp: 'timestamp with time zone',
  remote_address: 'text null',
  source: 'text',
  count: 'integer',
});
