import type { DataSource } from 'typeorm';
import { queryRows } from './sql.js';
import type { SecurityEventSource } from './entities/auth-security-event.entity.js';

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
}

/** Stores and lists security events: the chargers' notifications and our own failed-login findings. */
export class SecurityEventsService {
  constructor(private readonly db: DataSource) {}

  /**
   * One multi-row INSERT for a whole batch; a charger's notification delivered twice is stored once
   * (unique charger + timestamp + type among source 'charger').
   */
  async store(events: SecurityEventInput[]): Promise<void> {
    const charger = events.filter((e) => e.source === 'charger');
    const csms = events.filter((e) => e.source === 'csms');
    if (charger.length) {
      await queryRows(this.db, 
        `${this.insertSql(charger.length)} ON CONFLICT (charger_id, "timestamp", type) WHERE source = 'charger' DO NOTHING`,
        charger.flatMap((e) => this.params(e)),
      );
    }
    if (csms.length) await queryRows(this.db, this.insertSql(csms.length), csms.flatMap((e) => this.params(e)));
  }

  async list(chargerId: string, limit = 100, offset = 0): Promise<SecurityEventView[]> {
    const rows = await queryRows<{ type: string; tech_info: string | null; timestamp: Date; remote_address: string | null; source: SecurityEventSource }>(this.db, 
        `SELECT type, tech_info, "timestamp", remote_address, source FROM auth_security_events
          WHERE charger_id = $1 ORDER BY "timestamp" DESC, id DESC LIMIT $2 OFFSET $3`,
        [chargerId, limit, offset],
      );
    return rows.map((r) => ({
      type: r.type,
      techInfo: r.tech_info,
      timestamp: new Date(r.timestamp).toISOString(),
      remoteAddress: r.remote_address,
      source: r.source,
    }));
  }

  private insertSql(n: number): string {
    const values = Array.from({ length: n }, (_, i) => `($${i * 6 + 1}, $${i * 6 + 2}, $${i * 6 + 3}, $${i * 6 + 4}, $${i * 6 + 5}, $${i * 6 + 6})`);
    return `INSERT INTO auth_security_events (charger_id, type, tech_info, "timestamp", remote_address, source) VALUES ${values.join(', ')}`;
  }

  private params(e: SecurityEventInput): unknown[] {
    return [e.chargerId, e.type, e.techInfo ?? null, e.timestamp, e.remoteAddress ?? null, e.source];
  }
}
