import { Injectable, Inject, Optional } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { ok, refuse, type ServiceReply } from '#csms/http';
import { applyToLatest } from '#csms/persistence';
import {
  BUS,
  recordFact,
  type Bus,
  type DiagnosticsCreated,
  type DiagnosticsFact,
  type DiagnosticsKind,
  type DiagnosticsView,
  type UploadClaim,
} from '#csms/bus';
import { statusAfterAnswer, statusAfterNotification } from './status.js';
import { DiagnosticsStore, type DiagnosticsChange, type StoredDiagnostics } from './store.js';
import { UPLOAD_TOKEN_TTL_MS, hashUploadToken, isUploadTokenShape, newUploadToken, tokenVerdict } from './upload-token.js';

/** An upload silent this long loses its claim: the charger's retry may start a new attempt. */
export const UPLOAD_LEASE_MS = 2 * 60 * 1000;

const publicView = ({ uploadAttempt: _a, uploadLease: _l, ...v }: StoredDiagnostics): DiagnosticsView => v;

/** The diagnostics requests' answers to the gateway (docs/diagnostics.md). */
@Injectable()
export class DiagnosticsService {
  constructor(
    @Inject(DiagnosticsStore) private readonly store: DiagnosticsStore,
    @Optional() @Inject(BUS) private readonly bus?: Bus,
  ) {}

  /** The live event `diagnostics` (docs/api-events.md): after the change is stored, never instead of it. */
  private async fact(v: DiagnosticsView | undefined, event: DiagnosticsFact['event']): Promise<void> {
    if (!v || !this.bus) return;
    const fact: DiagnosticsFact = {
      chargerId: v.chargerId,
      at: new Date().toISOString(),
      id: v.id,
      kind: v.kind,
      event,
      status: v.status,
      chargerStatus: v.chargerStatus,
      fileName: v.fileName,
      size: v.size,
    };
    await recordFact(this.bus, v.chargerId, 'Diagnostics', fact);
  }

  async create(req: { chargerId: string; kind: DiagnosticsKind; requestedBy?: string }, now = new Date()): Promise<ServiceReply<DiagnosticsCreated>> {
    const { token, hash } = newUploadToken();
    const stored = await this.store.insert({
      id: randomUUID(),
      chargerId: req.chargerId,
      kind: req.kind,
      tokenHash: hash,
      expiresAt: new Date(now.getTime() + UPLOAD_TOKEN_TTL_MS),
      requestedBy: req.requestedBy,
    });
    await this.fact(stored, 'requested');
    return ok({ view: publicView(stored), token });
  }

  /** The charger's answer to GetDiagnostics / GetLog, or why the command failed. */
  async answered(req: { id: string; fileName?: string; error?: string }): Promise<ServiceReply<DiagnosticsView>> {
    const found = await this.store.get(req.id);
    if (!found) return refuse(404, 'unknown_diagnostics', `no diagnostics request ${req.id}`);
    const updated = await this.transition(found, (f) => ({
      status: statusAfterAnswer(f.status, req.fileName, req.error !== undefined),
      fileName: req.fileName ?? null,
      ...(req.error !== undefined ? { error: req.error } : {}),
    }));
    await this.fact(updated, 'answered');
    return ok(publicView(updated ?? found));
  }

  async get(id: string): Promise<ServiceReply<DiagnosticsView>> {
    const found = await this.store.get(id);
    return found ? ok(publicView(found)) : refuse(404, 'unknown_diagnostics', `no diagnostics request ${id}`);
  }

  async list(req: {
    chargerId: string;
    limit?: number;
    offset?: number;
  }): Promise<ServiceReply<{ items: DiagnosticsView[]; total: number; limit: number; offset: number }>> {
    const limit = Math.min(req.limit ?? 50, 200);
    const offset = req.offset ?? 0;
    const page = await this.store.list(req.chargerId, limit, offset);
    return ok({ items: page.items.map(publicView), total: page.total, limit, offset });
  }

  /** An upload arrived with this token: start an attempt, or say why not (the token is the only credential). */
  async claim(token: string, now = new Date()): Promise<ServiceReply<UploadClaim>> {
    const found = isUploadTokenShape(token) ? await this.store.byTokenHash(hashUploadToken(token)) : undefined;
    if (!found) return refuse(404, 'unknown_upload_token', 'no upload is expected at this URL');
    const verdict = tokenVerdict(
      {
        expiresAt: new Date(found.expiresAt),
        receivedAt: found.receivedAt ? new Date(found.receivedAt) : null,
        uploadLease: found.uploadLease ? new Date(found.uploadLease) : null,
      },
      now,
    );
    if (verdict === 'expired') return refuse(404, 'upload_token_expired', 'this upload URL has expired');
    if (verdict === 'used') return refuse(409, 'upload_token_used', 'a file was received at this URL already; it is valid once');
    if (verdict === 'busy') return refuse(409, 'upload_in_progress', 'another upload to this URL is in progress');
    const attempt = await this.store.claim(found.id, found.uploadAttempt, new Date(now.getTime() + UPLOAD_LEASE_MS));
    if (attempt === undefined) return refuse(409, 'upload_in_progress', 'another upload to this URL started at the same time');
    return ok({ id: found.id, attempt });
  }

  async chunk(req: UploadClaim & { seq: number; data: string }): Promise<ServiceReply<{ stored: true }>> {
    const stored = await this.store.chunk(req.id, req.attempt, req.seq, Buffer.from(req.data, 'base64'), new Date(Date.now() + UPLOAD_LEASE_MS));
    return stored ? ok({ stored: true }) : refuse(409, 'upload_superseded', 'this upload attempt is no longer current');
  }

  async finish(req: UploadClaim & { storedName?: string; contentType?: string }): Promise<ServiceReply<DiagnosticsView>> {
    const done = await this.store.finish(req.id, req.attempt, { storedName: req.storedName ?? null, contentType: req.contentType ?? null });
    await this.fact(done, 'received');
    return done ? ok(publicView(done)) : refuse(409, 'upload_superseded', 'this upload attempt is no longer current');
  }

  async abandon(req: UploadClaim & { error: string }): Promise<ServiceReply<{ abandoned: true }>> {
    await this.store.abandon(req.id, req.attempt, req.error);
    await this.fact(await this.store.get(req.id), 'upload-refused');
    return ok({ abandoned: true });
  }

  /** One chunk of a received file as base64, or `done` past the end. */
  async read(req: { id: string; index: number }): Promise<ServiceReply<{ data?: string; done: boolean }>> {
    const data = await this.store.readChunk(req.id, req.index);
    return ok(data ? { data: data.toString('base64'), done: false } : { done: true });
  }

  /** DiagnosticsStatusNotification (no request id: the charger's latest GetDiagnostics) or LogStatusNotification. */
  async notified(chargerId: string, chargerStatus: string, requestId?: number): Promise<StoredDiagnostics | undefined> {
    const found = requestId === undefined ? await this.store.latest(chargerId, ['diagnostics']) : await this.store.byRequestId(chargerId, requestId);
    if (!found) return undefined;
    const updated = await this.transition(found, (f) => ({ status: statusAfterNotification(f.status, chargerStatus), chargerStatus }));
    await this.fact(updated, 'notified');
    return updated;
  }

  /**
   * The next status from the one stored, written only if it is still the one read: the upload's receipt (another
   * replica, any moment) must not be overwritten by a notification that read the row just before it. On a miss
   * the row is read again and the rule applied to what is there now; undefined when the row is gone.
   */
  private async transition(first: StoredDiagnostics, change: (current: StoredDiagnostics) => DiagnosticsChange): Promise<StoredDiagnostics | undefined> {
    let updated: StoredDiagnostics | undefined;
    const applied = await applyToLatest(
      first,
      async (row) => (updated = await this.store.update(row.id, change(row), row.status)) !== undefined,
      () => this.store.get(first.id),
      `diagnostics request ${first.id}`,
    );
    return applied ? updated : undefined;
  }
}
