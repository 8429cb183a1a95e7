import { describeTable } from '#csms/persistence';
import type { ReservationState } from './reservation-rules.js';

/* The tables this store owns: its row types and their columns (libs/persistence/README.md). */

/** A row of auth_reservations (all its columns). */
export interface AuthReservationsRow {
  reservation_id: number;
  charger_id: string;
  connector_id: number;
  id_tag: string;
  parent_id_tag: string | null;
  expires_at: Date;
  state: ReservationState;
  reserve_status: string | null;
  cancel_status: string | null;
  detail: string | null;
  transaction_id: number | null;
  requested_by: string | null;
  created_at: Date;
  updated_at: Date;
  ended_at: Date | null;
}

export const AUTH_RESERVATIONS_TABLE = describeTable<AuthReservationsRow>()('auth_reservations', {
  reservation_id: 'integer',
  charger_id: 'text',
  connector_id: 'integer',
  id_tag: 'text',
  parent_id_tag: 'text null',
  expires_at: 'timestamp with time zone',
  state: 'text',
  reserve_status: 'text null',
  cancel_status: 'text null',
  detail: 'text null',
  transaction_id: 'integer null',
  requested_by: 'text null',
  created_at: 'timestamp with time zone',
  updated_at: 'timestamp with time zone',
  ended_at: 'timestamp with time zone null',
});
