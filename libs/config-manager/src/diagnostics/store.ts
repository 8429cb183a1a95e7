import { Injectable, Inject } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { DiagnosticsKind, DiagnosticsState, DiagnosticsView } from '#csms/bus';
import { DATA_SOURCE, inOneSnapshot, sqlOf, type Sql } from '#csms/persistence';
import type { ConfigDiagnosticsRow } from './store.rows.js';

type Row = ConfigDiagnosticsRow;
export type StoredDiagnostics = DiagnosticsView & { uploadAttempt: number; uploadLease: string | null };
export type DiagnosticsChange = Partial<{ status: DiagnosticsState; chargerStatus: string; fileName: string | null; error: string | null }>;

const iso = (v: Date | string): string => new Date(v).toISOString();
const view = (r: Row): StoredDiagnostics => ({
  id: r.id,
  chargerId: r.charger_id,
  kind: r.kind,
  requestId: Number(r.request_id),
  status: r.status,
  chargerStatus: r.charger_status,
  fileName: r.file_name,
  storedName: r.stored_name,
  size: r.size === null ? null : Number(r.size),
  contentType: r.content_type,
  createdAt: iso(r.created_at),
  updatedAt: iso(r.updated_at),
  receivedAt: r.received_at ? iso(r.received_at) : null,
  expiresAt: iso(r.expires_at),
  requestedBy: r.requested_by,
  error: r.error,
  uploadAttempt: r.upload_attempt,
  uploadLease: r.upload_lease ? iso(r.upload_lease) : null,
});

/** SQL of the diagnostics requests and their file chunks (migration.ts). */
@Injectable()
export class DiagnosticsStore {
  private readonly sql: Sql;

  constructor(@Inject(DATA_SOURCE) db: DataSource) {
    this.sql = sqlOf(db);
  }

  async insert(r: {
    id: string;
    chargerId: string;
    kind: DiagnosticsKind;
    tokenHash: string;
    expiresAt: Date;
    requestedBy?: string;
  }): Promise<StoredDiagnostics> {
    const rows = await this.sql.query<Row>(
      `INSERT INTO config_diagnostics (id, charger_id, kind, token_hash, expires_at, status, requested_by) VALUES ($1, $2, $3, $4, $5, 'requested', $6) RETURNING *`,
      [r.id, r.chargerId, r.kind, r.tokenHash, r.expiresAt, r.requestedBy ?? null],
    );
    return view(rows[0]);
  }

  async get(id: string): Promise<StoredDiagnostics | undefined> {
    const rows = await this.sql.query<Row>(`SELECT * FROM config_diagnostics WHERE id = $1`, [id]);
    return rows[0] ? view(rows[0]) : undefined;
  }

  async byTokenHash(hash: string): Promise<StoredDiagnostics | undefined> {
    const rows = await this.sql.query<Row>(`SELECT * FROM config_diagnostics WHERE token_hash = $1`, [hash]);
    return rows[0] ? view(rows[0]) : undefined;
  }

  /** The charger's latest request of these kinds: DiagnosticsStatusNotification carries no request id. */
  async latest(chargerId: string, kinds: readonly DiagnosticsKind[]): Promise<StoredDiagnostics | undefined> {
    const rows = await this.sql.query<Row>(
      `SELECT * FROM config_diagnostics WHERE charger_id = $1 AND kind = ANY($2) ORDER BY created_at DESC, request_id DESC LIMIT 1`,
      [chargerId, kinds],
    );
    return rows[0] ? view(rows[0]) : undefined;
  }

  async byRequestId(chargerId: string, requestId: number): Promise<StoredDiagnostics | undefined> {
    const rows = await this.sql.query<Row>(`SELECT * FROM config_diagnostics WHERE charger_id = $1 AND request_id = $2`, [chargerId, requestId]);
    return rows[0] ? view(rows[0]) : undefined;
  }

  async list(chargerId: string, limit: number, offset: number): Promise<{ items: StoredDiagnostics[]; total: number }> {
    // One snapshot: the total counts the rows the page lists.
    const { rows, count } = await inOneSnapshot(this.sql, async (tx) => ({
      rows: await tx.query<Row>(`SELECT * FROM config_diagnostics WHERE charger_id = $1 ORDER BY created_at DESC, request_id DESC LIMIT $2 OFFSET $3`, [
        chargerId,
        limit,
        offset,
      ]),
      count: await tx.query<{ n: string | number }>(`SELECT count(*) AS n FROM config_diagnostics WHERE charger_id = $1`, [chargerId]),
    }));
    return { items: rows.map(view), total: Number(count[0]?.n ?? 0) };
  }

  /** Applies `set` only while the status is still `ifStatus` (compare-and-set); undefined when it is not (or no row). */
  async update(id: string, set: DiagnosticsChange, ifStatus: DiagnosticsState): Promise<StoredDiagnostics | undefined> {
    const rows = await this.sql.query<Row>(
      `UPDATE config_diagnostics SET
         status = COALESCE($2, status), charger_status = COALESCE($3, charger_status),
         file_name = CASE WHEN $4::boolean THEN $5 ELSE file_name END, error = CASE WHEN $6::boolean THEN $7 ELSE error END, updated_at = now()
       WHERE id = $1 AND status = $8 RETURNING *`,
      [id, set.status ?? null, set.chargerStatus ?? null, 'fileName' in set, set.fileName ?? null, 'error' in set, set.error ?? null, ifStatus],
    );
    return rows[0] ? view(rows[0]) : undefined;
  }

  /** Starts an upload attempt if no other holds the lease (compare-and-set on the attempt number). */
  async claim(id: string, seenAttempt: number, leaseUntil: Date): Promise<number | undefined> {
    const rows = await this.sql.query<{ upload_attempt: number }>(
      `UPDATE config_diagnostics SET upload_attempt = upload_attempt + 1, upload_lease = $3, updated_at = now()
       WHERE id = $1 AND upload_attempt = $2 AND received_at IS NULL RETURNING upload_attempt`,
      [id, seenAttempt, leaseUntil],
    );
    if (!rows[0]) return undefined;
    await this.sql.execute(`DELETE FROM config_diagnostics_chunks WHERE diagnostics_id = $1 AND attempt <> $2`, [id, rows[0].upload_attempt]);
    return rows[0].upload_attempt;
  }

  /** Stores one chunk of the current attempt; false when the attempt is no longer current. */
  async chunk(id: string, attempt: number, seq: number, data: Buffer, leaseUntil: Date): Promise<boolean> {
    const rows = await this.sql.query<{ id: string }>(
      `UPDATE config_diagnostics SET upload_lease = $3 WHERE id = $1 AND upload_attempt = $2 AND received_at IS NULL RETURNING id`,
      [id, attempt, leaseUntil],
    );
    if (!rows[0]) return false;
    await this.sql.execute(`INSERT INTO config_diagnostics_chunks (diagnostics_id, attempt, seq, data) VALUES ($1, $2, $3, $4)`, [id, attempt, seq, data]);
    return true;
  }

  async finish(id: string, attempt: number, f: { storedName: string | null; contentType: string | null }): Promise<StoredDiagnostics | undefined> {
    const rows = await this.sql.query<Row>(
      `UPDATE config_diagnostics SET received_at = now(), updated_at = now(), status = 'received', upload_lease = NULL, stored_name = COALESCE($3, file_name),
         content_type = $4, size = (SELECT COALESCE(sum(octet_length(data)), 0) FROM config_diagnostics_chunks WHERE diagnostics_id = $1 AND attempt = $2)
       WHERE id = $1 AND upload_attempt = $2 AND received_at IS NULL RETURNING *`,
      [id, attempt, f.storedName, f.contentType],
    );
    return rows[0] ? view(rows[0]) : undefined;
  }

  /** A broken or refused upload: its chunks go and the lease ends, so the charger's retry may start again. */
  async abandon(id: string, attempt: number, error: string): Promise<void> {
    await this.sql.execute(
      `UPDATE config_diagnostics SET upload_lease = NULL, error = $3, updated_at = now() WHERE id = $1 AND upload_attempt = $2 AND received_at IS NULL`,
      [id, attempt, error],
    );
    await this.sql.execute(`DELETE FROM config_diagnostics_chunks WHERE diagnostics_id = $1 AND attempt = $2`, [id, attempt]);
  }

  /** One stored chunk of the received file, in order; undefined past the end. */
  async readChunk(id: string, index: number): Promise<Buffer | undefined> {
    const rows = await this.sql.query<{ data: Uint8Array }>(
      `SELECT c.data FROM config_diagnostics_chunks c JOIN config_diagnostics d ON d.id = c.diagnostics_id AND d.upload_attempt = c.attempt
       WHERE c.diagnostics_id = $1 AND d.received_at IS NOT NULL ORDER BY c.seq OFFSET $2 LIMIT 1`,
      [id, index],
    );
    return rows[0] ? Buffer.from(rows[0].data) : undefined;
  }
}
