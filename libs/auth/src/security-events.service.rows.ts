import { describeTable } from '#csms/persistence';

/* The tables this store owns: its row types and their columns (libs/persistence/README.md). */

/** 'charger': its SecurityEventNotification; 'csms': our own findings (failed logins, refusals). */
export type SecurityEventSource = 'charger' | 'csms';

/** A row of auth_security_events (all its columns). */
export interface AuthSecurityEventsRow {
  id: string;
  charger_id: string;
  type: string;
  tech_info: string | null;
  timestamp: Date;
  remote_address: string | null;
  source: SecurityEventSource;
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
