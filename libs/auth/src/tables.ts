import type { TableDescription } from '#csms/persistence';
import { AUTH_API_AUDIT_TABLE, AUTH_API_TOKENS_TABLE } from './api-access/api-access.store.rows.js';
import { AUTH_CHARGERS_TABLE } from './charger-registry.service.rows.js';
import { AUTH_SERVER_SECRETS_TABLE } from './credential-hasher.rows.js';
import { AUTH_ID_TAGS_TABLE } from './id-tags.service.rows.js';
import { AUTH_RESERVATIONS_TABLE } from './reservations/reservations.store.rows.js';
import { AUTH_SECURITY_EVENTS_TABLE } from './security-events.service.rows.js';

/** Every table of the auth service, as its stores describe it (checked against the migrations by the schema tests). */
export const AUTH_TABLES: readonly TableDescription[] = [
  AUTH_API_AUDIT_TABLE,
  AUTH_API_TOKENS_TABLE,
  AUTH_CHARGERS_TABLE,
  AUTH_SERVER_SECRETS_TABLE,
  AUTH_ID_TAGS_TABLE,
  AUTH_RESERVATIONS_TABLE,
  AUTH_SECURITY_EVENTS_TABLE,
];
