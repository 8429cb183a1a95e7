import { sqlOf } from '#csms/persistence';
import { jest } from '@jest/globals';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashApiToken } from '#csms/http';
import type { EmbeddedTestDatabase } from '#csms/testing';
import { openAuthTestDatabase } from '../test-support/test-database.js';
import { bootstrapAdminToken } from './admin-token-bootstrap.js';
import { ApiAccessStore, DuplicateTokenNameError, LAST_USE_RESOLUTION_MS } from './api-access.store.js';

let db: EmbeddedTestDatabase;
let now = Date.UTC(2026, 0, 1);
let store: ApiAccessStore;

beforeAll(async () => {
  db = await openAuthTestDatabase();
  store = new ApiAccessStore(db.db, () => now);
});
afterAll(() => db.close());

const quietLog = { warn: jest.fn() } as unknown as import('@nestjs/common').Logger;

describe('ApiAccessStore (real migrations, embedded PostgreSQL)', () => {
  it('keeps only the hash: the token verifies by its hash, and the table does not hold it', async () => {
    const made = await store.createToken('ci', 'operator', 'admin-1');
    expect(made?.token).toMatch(/^csms_[\w-]{43}$/);
    expect(await store.verify(hashApiToken(made!.token))).toEqual({ id: made!.id, name: 'ci', role: 'operator' });
    const rows = await sqlOf(db.db).query(`SELECT * FROM auth_api_tokens WHERE id = $1`, [made!.id]);
    expect(JSON.stringify(rows)).not.toContain(made!.token);
    expect(await store.verify(hashApiToken('csms_not-a-token'))).toBeUndefined();
  });

  it('lists active tokens without any secret', async () => {
    const items = await store.listTokens();
    expect(items.find((t) => t.name === 'ci')).toEqual({
      id: expect.any(String),
      name: 'ci',
      role: 'operator',
      createdAt: expect.any(String),
      createdBy: 'admin-1',
      lastUsedAt: expect.any(String),
    });
    expect(JSON.stringify(items)).not.toMatch(/csms_|hash/);
  });

  it('writes the last use at most once per LAST_USE_RESOLUTION_MS', async () => {
    const made = (await store.createToken('poller', 'viewer', null))!;
    const hash = hashApiToken(made.token);
    const lastUse = async (): Promise<string | null> => (await store.listTokens()).find((t) => t.id === made.id)!.lastUsedAt;
    await store.verify(hash);
    const first = await lastUse();
    expect(first).toBe(new Date(now).toISOString());
    now += LAST_USE_RESOLUTION_MS - 1;
    await store.verify(hash);
    expect(await lastUse()).toBe(first);
    now += 1;
    await store.verify(hash);
    expect(await lastUse()).toBe(new Date(now).toISOString());
  });

  it('refuses a second active token of the same name; a revoked name can be used again', async () => {
    await expect(store.createToken('ci', 'viewer', null)).rejects.toBeInstanceOf(DuplicateTokenNameError);
    const ci = (await store.listTokens()).find((t) => t.name === 'ci')!;
    expect(await store.revokeToken(ci.id)).toBe(true);
    expect(await store.revokeToken(ci.id)).toBe(false);
    expect((await store.createToken('ci', 'viewer', null))?.role).toBe('viewer');
  });

  it('a revoked token no longer verifies', async () => {
    const made = (await store.createToken('temp', 'admin', null))!;
    await store.revokeToken(made.id);
    expect(await store.verify(hashApiToken(made.token))).toBeUndefined();
  });

  it('generates the first admin token once per database, writes it to DATA_DIR/admin-token (0600) and logs it once', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'csms-admin-token-'));
    expect(await bootstrapAdminToken(store, { adminTokenConfigured: true, dataDir }, quietLog)).toBeUndefined();
    expect(existsSync(join(dataDir, 'admin-token'))).toBe(false);
    const token = await bootstrapAdminToken(store, { adminTokenConfigured: false, dataDir }, quietLog);
    expect(readFileSync(join(dataDir, 'admin-token'), 'utf8').trim()).toBe(token);
    expect(statSync(join(dataDir, 'admin-token')).mode & 0o777).toBe(0o600);
    expect(await store.verify(hashApiToken(token!))).toMatchObject({ name: 'bootstrap-admin', role: 'admin' });
    expect(await bootstrapAdminToken(store, { adminTokenConfigured: false, dataDir }, quietLog)).toBeUndefined();
    expect((quietLog.warn as unknown as jest.Mock).mock.calls.filter(([m]: unknown[]) => String(m).includes(token!))).toHaveLength(1);
  });

  it('audit: stores entries and filters them by charger, actor and time, newest first, paged', async () => {
    const base = { actorKind: 'token' as const, role: 'operator' as const, method: 'POST', status: 200 };
    await store.recordAudit({
      ...base,
      at: '2026-02-01T10:00:00.000Z',
      actor: 'alice',
      route: '/api/v1/chargers/:id/commands/:action',
      path: '/api/v1/chargers/ZAP1/commands/Reset',
      chargerId: 'ZAP1',
    });
    await store.recordAudit({ ...base, at: '2026-02-01T11:00:00.000Z', actor: 'bob', route: '/api/v1/id-tags', path: '/api/v1/id-tags', status: 201 });
    await store.recordAudit({
      ...base,
      at: '2026-02-01T12:00:00.000Z',
      actor: 'alice',
      route: '/api/v1/chargers/:id/configuration',
      path: '/api/v1/chargers/ZAP2/configuration',
      chargerId: 'ZAP2',
      status: 403,
    });
    const all = await store.listAudit({ limit: 10, offset: 0 });
    expect(all.map((e) => e.actor)).toEqual(['alice', 'bob', 'alice']);
    expect(all[0]).toEqual({
      id: expect.any(Number),
      ...base,
      at: '2026-02-01T12:00:00.000Z',
      actor: 'alice',
      route: '/api/v1/chargers/:id/configuration',
      path: '/api/v1/chargers/ZAP2/configuration',
      chargerId: 'ZAP2',
      status: 403,
    });
    expect((await store.listAudit({ chargerId: 'ZAP1', limit: 10, offset: 0 })).map((e) => e.path)).toEqual(['/api/v1/chargers/ZAP1/commands/Reset']);
    expect((await store.listAudit({ actor: 'bob', limit: 10, offset: 0 })).map((e) => e.status)).toEqual([201]);
    expect((await store.listAudit({ from: '2026-02-01T10:30:00Z', to: '2026-02-01T12:00:00Z', limit: 10, offset: 0 })).map((e) => e.actor)).toEqual(['bob']);
    expect((await store.listAudit({ limit: 1, offset: 1 })).map((e) => e.actor)).toEqual(['bob']);
  });

  it('audit: entries recorded together are stored by one statement, in the order they came', async () => {
    const base = { actorKind: 'token' as const, role: 'operator' as const, method: 'POST', status: 200, at: '2026-03-01T10:00:00.000Z' };
    const paths = Array.from({ length: 10 }, (_, i) => `/api/v1/chargers/BURST${i}/commands/Reset`);
    await Promise.all(
      paths.map((path, i) => store.recordAudit({ ...base, actor: 'burst', route: '/api/v1/chargers/:id/commands/:action', path, chargerId: `BURST${i}` })),
    );
    // Rows written by one statement carry its transaction id: the first went out alone, the nine that came while it ran, together.
    const rows = await sqlOf(db.db).query<{ path: string; tx: string }>(`SELECT path, xmin::text AS tx FROM auth_api_audit WHERE actor = 'burst' ORDER BY id`);
    expect(rows.map((r) => r.path)).toEqual(paths);
    expect(new Set(rows.map((r) => r.tx)).size).toBe(2);
    expect(new Set(rows.slice(1).map((r) => r.tx)).size).toBe(1);
    // Equal times list newest first by arrival.
    expect((await store.listAudit({ actor: 'burst', limit: 3, offset: 0 })).map((e) => e.chargerId)).toEqual(['BURST9', 'BURST8', 'BURST7']);
  });
});
