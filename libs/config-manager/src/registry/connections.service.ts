import { Optional, Inject, Injectable, Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { DATA_SOURCE, sqlOf, type Sql } from '#csms/persistence';
import type { ConnectionEvent, DurableMessage, SeenBatch } from '#csms/bus';
import { detectChargerModel } from './charger-model.js';
import { applyConnectionEvent, byEventTime, type ConnectionState } from './connection-state.js';

interface ConnectionRow {
  charger_id: string;
  connected: boolean;
  gateway_id: string | null;
  session_id: string | null;
  connected_at: Date | string | null;
  disconnected_at: Date | string | null;
  remote_address: string | null;
  connection_event_at: Date | string | null;
}

const ms = (v: Date | string | null): number | null => (v === null ? null : new Date(v).getTime());
const isoOrNull = (v: number | null): string | null => (v === null ? null : new Date(v).toISOString());

/**
 * Keeps the connection columns of `config_chargers` from the gateways' connection events and
 * last-seen batches. Every batch is one transaction with one multi-row statement.
 *
 * Lock order: every statement that writes several `config_chargers` rows (these, and the boots' batch in
 * registration/boot.service.ts) takes their locks in `ORDER BY charger_id` order, in SQL so the collation is the
 * same for all. Two batches that lock the same two chargers in opposite orders deadlock: in a 10,000-charger
 * storm on 2026-11-29 a boot batch and a connection batch did, PostgreSQL waited its deadlock_timeout (1 s) and
 * failed the boots' statement, and 28 chargers were answered InternalError.
 */
@Injectable()
export class ConnectionsService {
  private readonly sql: Sql;

  constructor(
    @Inject(DATA_SOURCE) db: DataSource,
    @Optional() private readonly log: Pick<Logger, 'warn'> = new Logger('ConnectionsService'),
  ) {
    this.sql = sqlOf(db);
  }

  /** Idempotent: replaying a batch, or an older event after a newer one, changes nothing. */
  async applyConnectionEvents(batch: DurableMessage<ConnectionEvent>[]): Promise<void> {
    const events = batch.filter((m) => {
      if (!Number.isNaN(Date.parse(m.data.at))) return true;
      this.log.warn(`connection event seq ${m.seq} for ${m.data.chargerId} has an unreadable time "${m.data.at}": ignored`);
      return false;
    });
    if (events.length === 0) return;
    events.sort(byEventTime);
    const ids = [...new Set(events.map((m) => m.data.chargerId))];

    await this.sql.transaction(async (tx) => {
      // FOR UPDATE: replicas sharing the durable consumer may hold batches about the same charger. In charger
      // order, as every multi-row write of config_chargers locks (see the class comment).
      const rows = await tx.query<ConnectionRow>(
        `SELECT charger_id, connected, gateway_id, session_id, connected_at, disconnected_at, remote_address, connection_event_at
           FROM config_chargers WHERE charger_id = ANY($1::text[]) ORDER BY charger_id FOR UPDATE`,
        [ids],
      );
      const states = new Map<string, ConnectionState | undefined>(rows.map((r) => [r.charger_id, fromRow(r)]));
      const changed = new Set<string>();
      for (const { data } of events) {
        const next = applyConnectionEvent(states.get(data.chargerId), data);
        if (next === undefined) continue;
        states.set(data.chargerId, next);
        changed.add(data.chargerId);
      }
      if (changed.size === 0) return;
      const cols = {
        id: [] as string[],
        model: [] as string[],
        connected: [] as boolean[],
        gateway: [] as (string | null)[],
        session: [] as (string | null)[],
        connectedAt: [] as (string | null)[],
        disconnectedAt: [] as (string | null)[],
        remote: [] as (string | null)[],
        eventAt: [] as (string | null)[],
      };
      for (const id of changed) {
        const s = states.get(id) as ConnectionState;
        cols.id.push(id);
        // Only used when the charger is new: until it boots, the identity alone is the evidence.
        cols.model.push(detectChargerModel({ chargerId: id }));
        cols.connected.push(s.connected);
        cols.gateway.push(s.gatewayId);
        cols.session.push(s.sessionId);
        cols.connectedAt.push(isoOrNull(s.connectedAt));
        cols.disconnectedAt.push(isoOrNull(s.disconnectedAt));
        cols.remote.push(s.remoteAddress);
        cols.eventAt.push(isoOrNull(s.eventAt));
      }
      // The WHERE guards a row another replica inserted meanwhile (FOR UPDATE cannot lock a missing row).
      await tx.execute(
        `INSERT INTO config_chargers (charger_id, model, connected, gateway_id, session_id, connected_at, disconnected_at,
           remote_address, connection_event_at)
         SELECT * FROM unnest($1::text[], $2::text[], $3::boolean[], $4::text[], $5::text[], $6::timestamptz[],
           $7::timestamptz[], $8::text[], $9::timestamptz[]) ORDER BY 1
         ON CONFLICT (charger_id) DO UPDATE SET
           connected = EXCLUDED.connected, gateway_id = EXCLUDED.gateway_id, session_id = EXCLUDED.session_id,
           connected_at = EXCLUDED.connected_at, disconnected_at = EXCLUDED.disconnected_at,
           remote_address = EXCLUDED.remote_address, connection_event_at = EXCLUDED.connection_event_at, updated_at = now()
         WHERE config_chargers.connection_event_at IS NULL OR config_chargers.connection_event_at <= EXCLUDED.connection_event_at`,
        [cols.id, cols.model, cols.connected, cols.gateway, cols.session, cols.connectedAt, cols.disconnectedAt, cols.remote, cols.eventAt],
      );
    });
  }

  /**
   * One multi-row UPDATE per gateway batch. Unknown chargers are skipped (their connection event
   * creates them); GREATEST keeps a late batch from moving last_seen backwards.
   */
  async applySeen(batch: SeenBatch): Promise<number> {
    const entries = Object.entries(batch.seen).filter(([, at]) => !Number.isNaN(Date.parse(at)));
    if (entries.length === 0) return 0;
    // The rows are locked first, in charger order (see the class comment): an UPDATE ... FROM locks in its join's order.
    return this.sql.execute(
      `WITH v AS (SELECT * FROM unnest($1::text[], $2::timestamptz[]) AS v(id, seen)),
            locked AS (SELECT charger_id FROM config_chargers WHERE charger_id IN (SELECT id FROM v) ORDER BY charger_id FOR UPDATE)
       UPDATE config_chargers AS c SET last_seen = GREATEST(c.last_seen, v.seen)
         FROM v JOIN locked ON locked.charger_id = v.id
        WHERE c.charger_id = v.id`,
      [entries.map(([id]) => id), entries.map(([, at]) => at)],
    );
  }
}

function fromRow(r: ConnectionRow): ConnectionState {
  return {
    connected: r.connected,
    gatewayId: r.gateway_id,
    sessionId: r.session_id,
    connectedAt: ms(r.connected_at),
    disconnectedAt: ms(r.disconnected_at),
    remoteAddress: r.remote_address,
    eventAt: ms(r.connection_event_at),
  };
}
