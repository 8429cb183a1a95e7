import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sqlOf } from '#csms/persistence';
import { openTestDatabase, type TestDatabase } from '../test-support/database.js';
import type { KeyDrift } from './effective.js';
import { storeSyncStates, syncStateOf } from './sync-state.js';

const key = (k: string, state: KeyDrift['state'], extra: Partial<KeyDrift> = {}): KeyDrift => ({
  key: k,
  desired: '1',
  source: 'fleet',
  reported: '1',
  state,
  ...extra,
});
const reported = { at: '2026-01-01T00:00:00Z', ageSeconds: 1, keys: [] };

describe('syncStateOf', () => {
  it('in sync, drift, refused by the charger, or unknown before the first read', () => {
    expect(syncStateOf({ reported, drift: [key('A', 'in-sync')] })).toEqual({ state: 'in-sync', driftedKeys: [] });
    expect(syncStateOf({ reported, drift: [] })).toEqual({ state: 'in-sync', driftedKeys: [] });
    expect(syncStateOf({ reported, drift: [key('A', 'in-sync'), key('B', 'drifted', { reason: 'reported "2", desired "1"' })] })).toEqual({
      state: 'drift',
      driftedKeys: ['B'],
    });
    expect(syncStateOf({ reported, drift: [key('B', 'pending-reboot')] }).state).toBe('drift');
    const refused = key('C', 'drifted', { lastOutcome: 'NotSupported', reason: 'the charger answered NotSupported to C=1' });
    expect(syncStateOf({ reported, drift: [key('B', 'drifted', { reason: 'x' }), refused] })).toEqual({ state: 'refused', driftedKeys: ['B', 'C'] });
    // An old refusal of another value is drift, not refused.
    expect(
      syncStateOf({ reported, drift: [key('C', 'drifted', { lastOutcome: 'Rejected', reason: 'reported "2", desired "1"; last attempt: Rejected' })] }).state,
    ).toBe('drift');
    expect(syncStateOf({ reported: null, drift: [key('A', 'unknown')] })).toEqual({ state: 'unknown', driftedKeys: [] });
  });
});

describe('storeSyncStates (real migrations, embedded PostgreSQL)', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase();
  });
  afterAll(() => db.close());

  it('stores many chargers in one statement and answers each with the state it had before', async () => {
    const sql = sqlOf(db.db);
    expect(
      await storeSyncStates(sql, [
        { chargerId: 'S1', state: 'drift', driftedKeys: ['LockCablePermanently', 'odd "key", with comma'] },
        { chargerId: 'S2', state: 'in-sync', driftedKeys: [] },
      ]),
    ).toEqual([null, null]);
    // Rows written by one statement carry its transaction id.
    expect(new Set((await sql.query<{ tx: string }>(`SELECT xmin::text AS tx FROM config_sync_state`)).map((r) => r.tx)).size).toBe(1);
    // A charger twice in one batch: the second write sees the first as its state before.
    expect(
      await storeSyncStates(sql, [
        { chargerId: 'S1', state: 'refused', driftedKeys: ['LockCablePermanently'] },
        { chargerId: 'S2', state: 'in-sync', driftedKeys: [] },
        { chargerId: 'S1', state: 'in-sync', driftedKeys: [] },
        { chargerId: 'S3', state: 'unknown', driftedKeys: [] },
      ]),
    ).toEqual(['drift', 'in-sync', 'refused', null]);
    const rows = await sql.query<{ charger_id: string; state: string; drifted_keys: string[] }>(
      `SELECT charger_id, state, drifted_keys FROM config_sync_state ORDER BY charger_id`,
    );
    expect(rows).toEqual([
      { charger_id: 'S1', state: 'in-sync', drifted_keys: [] },
      { charger_id: 'S2', state: 'in-sync', drifted_keys: [] },
      { charger_id: 'S3', state: 'unknown', drifted_keys: [] },
    ]);
    await storeSyncStates(sql, [{ chargerId: 'S2', state: 'drift', driftedKeys: ['LockCablePermanently', 'odd "key", with comma'] }]);
    expect((await sql.query<{ drifted_keys: string[] }>(`SELECT drifted_keys FROM config_sync_state WHERE charger_id = 'S2'`))[0].drifted_keys).toEqual([
      'LockCablePermanently',
      'odd "key", with comma',
    ]);
  });
});
