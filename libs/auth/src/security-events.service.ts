import { Inject, Injectable, Optional } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { BUS, recordFact, type Bus, type SecurityEventFact } from '#csms/bus';
import { DATA_SOURCE, sqlOf, type Sql } from '#csms/persistence';
import type { AuthSecurityEventsRow, SecurityEventSource } from './security-events.service.rows.js';

export interface SecurityEventInput {
  chargerId: string;
  type: string;
  techInfo?: string | null;
  timestamp: string;
  remoteAddress?: string | null;
  source: SecurityEventSource;
}

export interface SecurityEventView {
  type: string;
  techInfo: string | null;
  timestamp: string;
  remoteAddress: string | null;
  source: SecurityEventSource;
  /** Attempts this event stands for: our refusals are aggregated per address, charger and reason per minute. */
  count: number;
}

/** Stores and lists security events: the chargers' notifications and our own failed-login findings. */
@Injectable()
export class SecurityEventsService {
  private readonly sql: Sql;

  constructor(
    @Inject(DATA_SOURCE) db: DataSource,
    /** Where our own events are told as SecurityEvent facts (live dashboards: GET /api/v1/events, type security, source csms). */
    @Optional() @Inject(BUS) private readonly bus?: Bus,
  ) {
    this.sql = sqlOf(db);
  }

  /**
   * One multi-row INSERT for a whole batch; a charger's notification delivered twice is stored once
   * (unique charger + timestamp + type among source 'charger').
   */
  async store(events: SecurityEventInput[]): Promise<void> {
    const charger = events.filter((e) => e.source === 'charger');
    const csms = events.filter((e) => e.source === 'csms');
    if (charger.length) {
      await this.sql.execute(
        `${this.insertSql(charger.length)} ON CONFLICT (charger_id, "timestamp", type) WHERE source = 'charger' DO NOTHING`,
        charger.flatMap((e) => this.params(e)),
      );
    }
    if (csms.length)
      await this.sql.execute(
        this.insertSql(csms.length),
        csms.flatMap((e) => this.params(e)),
      );
  }

  /** Security events of the whole fleet since `since` (GET /api/v1/fleet/summary's last hour); repeats folded in `count` counted each. */
  async countSince(since: Date): Promise<number> {
    const rows = await this.sql.query<{ n: string | number | null }>(`SELECT sum(count) AS n FROM auth_security_events WHERE "timestamp" >= $1`, [since]);
    return Number(rows[0]?.n ?? 0);
  }

  async list(chargerId: string, limit = 100, offset = 0): Promise<SecurityEventView[]> {
    const rows = await this.sql.query<Pick<AuthSecurityEventsRow, 'type' | 'tech_info' | 'timestamp' | 'remote_address' | 'source' | 'count'>>(
      `SELECT type, tech_info, "timestamp", remote_address, source, count FROM auth_security_events
          WHERE charger_id = $1 ORDER BY "timestamp" DESC, id DESC LIMIT $2 OFFSET $3`,
      [chargerId, limit, offset],
    );
    return rows.map((r) => ({
      type: r.type,
      techInfo: r.tech_info,
      timestamp: new Date(r.timestamp).toISOString(),
      remoteAddress: r.remote_address,
      source: r.source,
      count: Number(r.count),
    }));
  }

  /** One of our own events; its id, so that later attempts of the same minute only add to its count. */
  async storeOne(e: SecurityEventInput): Promise<string> {
    const rows = await this.sql.query<{ id: string }>(`${this.insertSql(1)} RETURNING id`, this.params(e));
    if (e.source === 'csms' && this.bus) {
      const fact: SecurityEventFact = {
        chargerId: e.chargerId,
        type: e.type,
        techInfo: e.techInfo ?? null,
        remoteAddress: e.remoteAddress ?? null,
        timestamp: e.timestamp,
      };
      void recordFact(this.bus, e.chargerId, 'SecurityEvent', fact);
    }
    return String(rows[0].id);
  }

  /** Adds attempts to stored events, one statement for all of them. */
  async addToCounts(counts: Array<{ id: string; n: number }>): Promise<void> {
    if (counts.length === 0) return;
    await this.sql.execute(`UPDATE auth_security_events e SET count = e.count + v.n FROM unnest($1::bigint[], $2::int[]) AS v(id, n) WHERE e.id = v.id`, [
      counts.map((c) => c.id),
      counts.map((c) => c.n),
    ]);
  }

  private insertSql(n: number): string {
    const values = Array.from({ length: n }, (_, i) => `($${i * 6 + 1}, $${i * 6 + 2}, $${i * 6 + 3}, $${i * 6 + 4}, $${i * 6 + 5}, $${i * 6 + 6})`);
    return `INSERT INTO auth_security_events (charger_id, type, tech_info, "timestamp", remote_address, source) VALUES ${values.join(', ')}`;
  }

  private params(e: SecurityEventInput): unknown[] {
    return [e.chargerId, e.type, e.techInfo ?? null, e.timestamp, e.remoteAddress ?? null, e.source];
  }
}
