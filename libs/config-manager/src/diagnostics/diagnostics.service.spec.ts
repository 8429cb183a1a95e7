import { sqlOf } from '#csms/persistence';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { ServiceReply } from '#csms/http';
import { openTestDatabase, type TestDatabase } from '../test-support/database.js';
import { DiagnosticsService, UPLOAD_LEASE_MS } from './diagnostics.service.js';
import { DiagnosticsStore } from './store.js';
import { UPLOAD_TOKEN_TTL_MS, hashUploadToken } from './upload-token.js';

const data = <T>(r: ServiceReply<T>): T => {
  if (!r.ok) throw new Error(`refused: ${JSON.stringify(r.body)}`);
  return r.data;
};
const refusal = <T>(r: ServiceReply<T>): [number, string] => (r.ok ? [200, 'ok'] : [r.status, r.body.error]);

describe('diagnostics requests on PGlite', () => {
  let t: TestDatabase;
  let service: DiagnosticsService;

  beforeAll(async () => {
    t = await openTestDatabase();
  });
  afterAll(async () => t.close());
  beforeEach(async () => {
    await t.reset();
    service = new DiagnosticsService(new DiagnosticsStore(t.db));
  });

  it('stores only the hash of the token; the token takes one file, byte for byte, and is refused after', async () => {
    const { view, token } = data(await service.create({ chargerId: 'ZAP1', kind: 'diagnostics' }));
    const rows: Array<{ token_hash: string }> = await sqlOf(t.db).query(`SELECT token_hash FROM config_diagnostics`);
    expect(rows).toEqual([{ token_hash: hashUploadToken(token) }]);
    expect(JSON.stringify(await sqlOf(t.db).query(`SELECT * FROM config_diagnostics`))).not.toContain(token);

    const claim = data(await service.claim(token));
    const parts = [Buffer.from([0, 1, 2, 255]), Buffer.from('second chunk')];
    for (const [seq, p] of parts.entries()) data(await service.chunk({ ...claim, seq, data: p.toString('base64') }));
    expect(data(await service.finish({ ...claim, storedName: 'd.bin' }))).toMatchObject({ id: view.id, status: 'received', size: 16, storedName: 'd.bin' });
    const read: Buffer[] = [];
    for (let index = 0; ; index++) {
      const r = data(await service.read({ id: view.id, index }));
      if (r.done) break;
      read.push(Buffer.from(r.data!, 'base64'));
    }
    expect(Buffer.concat(read)).toEqual(Buffer.concat(parts));
    expect(refusal(await service.claim(token))).toEqual([409, 'upload_token_used']);
  });

  it('unknown, malformed and expired tokens are 404; a second upload while one runs is 409', async () => {
    expect(refusal(await service.claim('x'.repeat(43)))).toEqual([404, 'unknown_upload_token']);
    expect(refusal(await service.claim('../etc'))).toEqual([404, 'unknown_upload_token']);
    const { token } = data(await service.create({ chargerId: 'ZAP1', kind: 'diagnostics' }, new Date(Date.now() - UPLOAD_TOKEN_TTL_MS - 1000)));
    expect(refusal(await service.claim(token))).toEqual([404, 'upload_token_expired']);
    const fresh = data(await service.create({ chargerId: 'ZAP1', kind: 'diagnostics' })).token;
    data(await service.claim(fresh));
    expect(refusal(await service.claim(fresh))).toEqual([409, 'upload_in_progress']);
  });

  it("a broken upload does not use the token up: the charger's retry starts a new attempt and the old chunks are gone", async () => {
    const { view, token } = data(await service.create({ chargerId: 'ZAP1', kind: 'diagnostics' }));
    const first = data(await service.claim(token));
    data(await service.chunk({ ...first, seq: 0, data: Buffer.from('partial').toString('base64') }));
    data(await service.abandon({ ...first, error: 'upload broken' }));
    const retry = data(await service.claim(token));
    expect(retry.attempt).toBe(first.attempt + 1);
    // A late chunk of the broken attempt is refused, not mixed in.
    expect(refusal(await service.chunk({ ...first, seq: 1, data: 'AAAA' }))).toEqual([409, 'upload_superseded']);
    data(await service.chunk({ ...retry, seq: 0, data: Buffer.from('whole').toString('base64') }));
    expect(data(await service.finish(retry)).size).toBe(5);
    expect(Buffer.from(data(await service.read({ id: view.id, index: 0 })).data!, 'base64').toString()).toBe('whole');
  });

  it('a lapsed lease (an upload gone silent) lets the retry take over', async () => {
    const { token } = data(await service.create({ chargerId: 'ZAP1', kind: 'diagnostics' }));
    data(await service.claim(token));
    expect(refusal(await service.claim(token, new Date(Date.now() + UPLOAD_LEASE_MS + 1000)))).toEqual([200, 'ok']);
  });

  it("status: the charger's answer, then its notifications on the latest request; GetLog's by requestId", async () => {
    const older = data(await service.create({ chargerId: 'ZAP1', kind: 'diagnostics' })).view;
    const latest = data(await service.create({ chargerId: 'ZAP1', kind: 'diagnostics' })).view;
    const log = data(await service.create({ chargerId: 'ZAP1', kind: 'security-log' })).view;
    expect(data(await service.answered({ id: latest.id, fileName: 'x.log' })).status).toBe('requested');
    expect(data(await service.answered({ id: older.id })).status).toBe('no-file');
    await service.notified('ZAP1', 'Uploading');
    expect(data(await service.get(latest.id))).toMatchObject({ status: 'uploading', chargerStatus: 'Uploading' });
    await service.notified('ZAP1', 'UploadFailed');
    await service.notified('ZAP1', 'Idle');
    expect(data(await service.get(latest.id))).toMatchObject({ status: 'upload-failed', chargerStatus: 'Idle' });
    expect(data(await service.get(older.id)).status).toBe('no-file');
    expect(data(await service.get(log.id)).status).toBe('requested');
    await service.notified('ZAP1', 'Uploaded', log.requestId);
    expect(data(await service.get(log.id)).status).toBe('uploaded');
    expect(await service.notified('ZAP2', 'Uploading')).toBeUndefined();
    expect(data(await service.list({ chargerId: 'ZAP1' })).items.map((i) => i.id)).toEqual([log.id, latest.id, older.id]);
  });
  it("a notification that read the row just before the upload's receipt does not overwrite it (any replica, any order)", async () => {
    const { view, token } = data(await service.create({ chargerId: 'ZAP1', kind: 'diagnostics' }));
    data(await service.answered({ id: view.id, fileName: 'd.log' }));
    // The notification's read happens here, before the upload finishes on another replica.
    const store = new DiagnosticsStore(t.db);
    const staleRead = await store.latest('ZAP1', ['diagnostics']);
    const claim = data(await service.claim(token));
    data(await service.chunk({ ...claim, seq: 0, data: Buffer.from('file').toString('base64') }));
    data(await service.finish(claim));
    store.latest = async () => staleRead;
    const late = new DiagnosticsService(store);
    expect(await late.notified('ZAP1', 'Uploading')).toMatchObject({ status: 'received', chargerStatus: 'Uploading' });
    expect(await late.notified('ZAP1', 'Uploaded')).toMatchObject({ status: 'received', chargerStatus: 'Uploaded' });
    expect(data(await service.get(view.id))).toMatchObject({ status: 'received', chargerStatus: 'Uploaded', size: 4 });
  });
});
