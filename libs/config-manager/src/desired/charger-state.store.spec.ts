import { sqlOf } from '#csms/persistence';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { openTestDatabase, type TestDatabase } from '../test-support/database.js';
import { ChargerStateStore } from './charger-state.store.js';

const key = (value: string | null, readonly = false): { value: string | null; readonly: boolean } => ({ value, readonly });

/** The store batches what arrives together (a fleet reconnecting); done together, it must equal done one by one. */
describe('ChargerStateStore, operations arriving together', () => {
  let t: TestDatabase;
  let store: ChargerStateStore;
  const audit = async (): Promise<Array<{ charger_id: string; key: string; old_value: string | null; new_value: string | null }>> =>
    sqlOf(t.db).query(`SELECT charger_id, key, old_value, new_value FROM config_audit WHERE actor = 'charger' ORDER BY id`);

  beforeAll(async () => {
    t = await openTestDatabase();
  }, 60_000);
  afterAll(async () => t.close());
  beforeEach(async () => {
    await t.reset();
    store = new ChargerStateStore(t.db);
  });

  it('reads the reported values of several chargers at once, each its own keys, a "__proto__" key kept as a key', async () => {
    const t0 = new Date('2026-01-01T00:00:00Z');
    await store.replaceReported('A', { HeartbeatInterval: key('300'), FreeCharging: key('false'), Unset: key(null) }, t0);
    await store.replaceReported('B', { HeartbeatInterval: key('600'), ['__proto__']: key('evil') }, t0);
    const many = await store.reportedMany(['A', 'B', 'C']);
    expect(many.get('A')).toEqual({ HeartbeatInterval: '300', FreeCharging: 'false' });
    const b = many.get('B') as Record<string, string>;
    expect(Object.getPrototypeOf(b)).toBe(Object.prototype);
    expect(Object.entries(b).sort()).toEqual([
      ['HeartbeatInterval', '600'],
      ['__proto__', 'evil'],
    ]);
    expect(many.has('C')).toBe(false);
  });

  it('replaces snapshots of several chargers, one charger twice, as if one after the other', async () => {
    const t0 = new Date('2026-01-01T00:00:00Z');
    await Promise.all([
      store.replaceReported('A', { HeartbeatInterval: key('300'), FreeCharging: key('false'), Old: key('x') }, t0),
      store.replaceReported('B', { HeartbeatInterval: key('600') }, t0),
    ]);
    expect(await audit()).toEqual([]); // first snapshots are baselines
    const t1 = new Date('2026-01-01T01:00:00Z');
    const t2 = new Date('2026-01-01T02:00:00Z');
    // The first two go out at once (two batches in flight); A's two snapshots then share the third batch.
    await Promise.all([
      store.replaceReported('B', { HeartbeatInterval: key('600'), NumberOfConnectors: key('1', true) }, t1),
      store.replaceReported('C', {}, t2),
      store.replaceReported('A', { HeartbeatInterval: key('900'), FreeCharging: key('false') }, t1),
      store.replaceReported('A', { HeartbeatInterval: key('1800'), FreeCharging: key('true') }, t2),
    ]);
    const a = await store.reported('A');
    expect(a?.at.toISOString()).toBe(t2.toISOString());
    expect(a?.keys).toEqual({ FreeCharging: key('true'), HeartbeatInterval: key('1800') });
    expect((await store.reported('B'))?.keys).toEqual({ HeartbeatInterval: key('600'), NumberOfConnectors: key('1', true) });
    expect(await store.reported('C')).toBeNull();
    // Each of A's snapshots is compared with the one before it, in arrival order.
    expect(await audit()).toEqual([
      { charger_id: 'A', key: 'HeartbeatInterval', old_value: '300', new_value: '900' },
      { charger_id: 'A', key: 'HeartbeatInterval', old_value: '900', new_value: '1800' },
      { charger_id: 'A', key: 'FreeCharging', old_value: 'false', new_value: 'true' },
    ]);
  });

  it('answers batched reads per charger: model and connection, apply states', async () => {
    await sqlOf(t.db).execute(
      `INSERT INTO config_chargers (charger_id, model, connected) VALUES ('ZAP000001', 'zaptec-go', true), ('ZPG000002', 'zaptec-pro', false)`,
    );
    await Promise.all([
      store.setApplyState('ZAP000001', 'HeartbeatInterval', '900', 'Accepted', null),
      store.setApplyState('ZPG000002', 'MeterValueSampleInterval', '60', 'RebootRequired', null),
    ]);
    const [go, pro, unknown, go2] = await Promise.all(['ZAP000001', 'ZPG000002', 'ZAP999999', 'ZAP000001'].map((id) => store.info(id)));
    expect(go).toEqual({ model: 'zaptec-go', connected: true, known: true, firmwareVersion: null });
    expect(pro).toEqual({ model: 'zaptec-pro', connected: false, known: true, firmwareVersion: null });
    expect(unknown).toMatchObject({ connected: false, known: false });
    expect(go2).toEqual(go);
    const [sGo, sPro, sNone] = await Promise.all(['ZAP000001', 'ZPG000002', 'ZAP999999'].map((id) => store.applyStates(id)));
    expect(Object.keys(sGo)).toEqual(['HeartbeatInterval']);
    expect(sPro.MeterValueSampleInterval).toMatchObject({ desiredValue: '60', outcome: 'RebootRequired' });
    expect(sNone).toEqual({});
    await Promise.all([store.clearRebootPending('ZPG000002'), store.clearRebootPending('ZAP000001')]);
    expect(await store.applyStates('ZPG000002')).toEqual({});
    expect(Object.keys(await store.applyStates('ZAP000001'))).toEqual(['HeartbeatInterval']);
  });
});
