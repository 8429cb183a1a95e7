import { Injectable, Inject, Optional } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { Batcher, DATA_SOURCE, sqlOf, type Sql } from '#csms/persistence';
import { hashApiToken, newApiToken, type AuditEntry, type KnownApiToken, type Role } from '#csms/http';

export interface ApiTokenView {
  id: string;
  name: string;
  role: Role;
  createdAt: string;
  createdBy: string | null;
  lastUsedAt: string | null;
}

export interface CreatedApiToken extends ApiTokenView {
  /** The token itself: returned this once, never stored. */
  token: string;
}

export interface AuditQuery {
  chargerId?: string;
  actor?: string;
  from?: string;
  to?: string;
  limit: number;
  offset: number;
}

export interface AuditRecord extends AuditEntry {
  id: number;
}

export class DuplicateTokenNameError extends Error {}

/** A token used again within this window does not write its last use again: a dashboard polling every second costs no writes. */
export const LAST_USE_RESOLUTION_MS = 60_000;

type TokenRow = { id: string; name: string; role: Role; created_at: Date; created_by: string | null; last_used_at: Date | null };

const iso = (d: Date | null): string | null => (d ? new Date(d).toISOString() : null);
const view = (r: TokenRow): ApiTokenView => ({
  id: r.id,
  name: r.name,
  role: r.role,
  createdAt: new Date(r.created_at).toISOString(),
  createdBy: r.created_by,
  lastUsedAt: iso(r.last_used_at),
});

/** API tokens (by hash) and the audit log, in auth's tables (migration AuthApiAccess1764000400000). */
@Injectable()
export class ApiAccessStore {
  private readonly sql: Sql;
  /** Every state-changing request writes one entry, after its answer was sent: a burst of commands shares one statement (see Batcher). */
  private readonly audits: Batcher<AuditEntry, void>;

  constructor(
    @Inject(DATA_SOURCE) db: DataSource,
    @Optional() private readonly now: () => number = Date.now,
  ) {
    this.sql = sqlOf(db);
    this.audits = new Batcher<AuditEntry, void>(
      async (entries) => {
        await insertAudits(this.sql, entries);
        return entries.map(() => undefined);
      },
      { name: 'db batch auth_api_audit' },
    );
  }

  async createToken(name: string, role: Role, createdBy: string | null, bootstrap = false): Promise<CreatedApiToken | undefined> {
    const token = newApiToken();
    let rows: TokenRow[];
    try {
      rows = await this.sql.query<TokenRow>(
        `INSERT INTO auth_api_tokens (id, name, role, token_hash, bootstrap, created_by) VALUES ($1, $2, $3, $4, $5, $6)
           ${bootstrap ? 'ON CONFLICT (bootstrap) WHERE bootstrap DO NOTHING' : ''}
           RETURNING id, name, role, created_at, created_by, last_used_at`,
        [randomUUID(), name, role, hashApiToken(token), bootstrap, createdBy],
      );
    } catch (err) {
      if ((err as { code?: string }).code === '23505' || /auth_api_tokens_active_name_idx/.test(String(err))) throw new DuplicateTokenNameError(name);
      throw err;
    }
    return rows[0] ? { ...view(rows[0]), token } : undefined;
  }

  /** The first admin token, made once per database; undefined when one was made before (even if revoked since). */
  createBootstrapToken(): Promise<CreatedApiToken | undefined> {
    return this.createToken('bootstrap-admin', 'admin', 'start-up', true);
  }

  async listTokens(): Promise<ApiTokenView[]> {
    const rows = await this.sql.query<TokenRow>(
      `SELECT id, name, role, created_at, created_by, last_used_at FROM auth_api_tokens WHERE revoked_at IS NULL ORDER BY created_at, name`,
    );
    return rows.map(view);
  }

  async revokeToken(id: string): Promise<boolean> {
    const rows = await this.sql.query(`UPDATE auth_api_tokens SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING id`, [id]);
    return rows.length > 0;
  }

  /** The active token with this hash, and its last use noted (at most once per LAST_USE_RESOLUTION_MS). */
  async verify(tokenHash: string): Promise<KnownApiToken | undefined> {
    const [row] = await this.sql.query<TokenRow>(
      `SELECT id, name, role, created_at, created_by, last_used_at FROM auth_api_tokens WHERE token_hash = $1 AND revoked_at IS NULL`,
      [tokenHash],
    );
    if (!row) return undefined;
    const now = this.now();
    if (!row.last_used_at || now - new Date(row.last_used_at).getTime() >= LAST_USE_RESOLUTION_MS) {
      await this.sql.execute(`UPDATE auth_api_tokens SET last_used_at = $2 WHERE id = $1`, [row.id, new Date(now).toISOString()]);
    }
    return { id: row.id, name: row.name, role: row.role };
  }

  /** Resolves once the entry is stored (with the entries that arrived beside it). */
  recordAudit(e: AuditEntry): Promise<void> {
    return this.audits.add(e);
  }

  /** Newest first. */
  async listAudit(q: AuditQuery): Promise<AuditRecord[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown): void => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (q.chargerId !== undefined) add('charger_id = ?', q.chargerId);
    if (q.actor !== undefined) add('actor = ?', q.actor);
    if (q.from !== undefined) add('at >= ?', q.from);
    if (q.to !== undefined) add('at < ?', q.to);
    params.push(q.limit, q.offset);
    const rows = await this.sql.query<{
      id: string;
      at: Date;
      actor: string;
      actor_kind: AuditEntry['actorKind'];
      role: Role;
      method: string;
      route: string;
      path: string;
      charger_id: string | null;
      status: number;
    }>(
      `SELECT id, at, actor, actor_kind, role, method, route, path, charger_id, status FROM auth_api_audit
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY at DESC, id DESC LIMIT $${params.length - 1} OFFSET $${params.length}`,
      params,
    );
    return rows.map((r) => ({
      id: Number(r.id),
      at: new Date(r.at).toISOString(),
      actor: r.actor,
      actorKind: r.actor_kind,
      role: r.role,
      method: r.method,
      route: r.route,
      path: r.path,
      ...(r.charger_id ? { chargerId: r.charger_id } : {}),
      status: Number(r.status),
    }));
  }
}

/** The entries as one statement, in arrival order (ids ascend as they came, which the newest-first listing breaks ties by). */
async function insertAudits(sql: Sql, entries: AuditEntry[]): Promise<void> {
  const col = <K extends keyof AuditEntry>(k: K): Array<AuditEntry[K] | null> => entries.map((e) => e[k] ?? null);
  await sql.execute(
    `INSERT INTO auth_api_audit (at, actor, actor_kind, role, method, route, path, charger_id, status)
     SELECT at, actor, actor_kind, role, method, route, path, charger_id, status
       FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::int[])
            WITH ORDINALITY AS e(at, actor, actor_kind, role, method, route, path, charger_id, status, n)
      ORDER BY n`,
    [col('at'), col('actor'), col('actorKind'), col('role'), col('method'), col('route'), col('path'), col('chargerId'), col('status')],
  );
}
