import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { openTestDatabase, type TestDatabase } from '../test-support/database.js';
import { ChargingProfileStore } from './store.js';
import type { ProfileInput } from './types.js';

const profile = (chargingProfileId: number, limit: number): ProfileInput => ({
  connectorId: 1,
  csChargingProfiles: {
    chargingProfileId,
    stackLevel: 1,
    chargingProfilePurpose: 'TxDefaultProfile',
    chargingProfileKind: 'Absolute',
    chargingSchedule: { startSchedule: '2026-01-01T00:00:00Z', chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit }] },
  },
});

describe('ChargingProfileStore: reads of many chargers asked together (embedded PostgreSQL)', () => {
  let t: TestDatabase;
  let store: ChargingProfileStore;

  beforeAll(async () => {
    t = await openTestDatabase();
    store = new ChargingProfileStore(t.db);
    await t.db.query(
      `INSERT INTO config_chargers (charger_id, model, connected, boot_at, connected_at) VALUES
         ('P1', 'zaptec-go', true, '2026-01-01T10:00:00Z', '2026-01-01T11:00:00Z'),
         ('P2', 'zaptec-pro', false, NULL, NULL)`,
    );
    await t.db.query(
      `INSERT INTO config_reported (charger_id, key, value, readonly, reported_at) VALUES
         ('P1', 'SupportedFeatureProfiles', 'Core,SmartCharging', true, now()),
         ('P1', 'NoValue', NULL, true, now()),
         ('GHOST', 'ChargeProfileMaxStackLevel', '8', true, now())`,
    );
    await t.db.query(`INSERT INTO config_groups (name) VALUES ('site-a')`);
    await t.db.query(`INSERT INTO config_group_members (charger_id, group_name) VALUES ('P2', 'site-a')`);
    await store.replaceLevel('group', 'site-a', [profile(1, 16)], 'test');
    await store.replaceLevel('charger', 'P1', [profile(2, 10), profile(3, 6)], 'test');
    await store.setState('P1', 2, 'set', 'h2', 'Accepted', null);
    await store.setState('P2', 1, 'set', 'h1', 'not-connected', 'sent when the charger connects');
  });
  afterAll(() => t.close());

  it('answers every charger with its own facts: known or not, reported values without the empty ones', async () => {
    const [p1, p2, ghost, none] = await Promise.all(['P1', 'P2', 'GHOST', 'NONE'].map((id) => store.facts(id)));
    expect(p1).toEqual({
      known: true,
      model: 'zaptec-go',
      connected: true,
      lastStartAt: new Date('2026-01-01T11:00:00Z'),
      reported: { SupportedFeatureProfiles: 'Core,SmartCharging' },
    });
    expect(p2).toEqual({ known: true, model: 'zaptec-pro', connected: false, lastStartAt: null, reported: {} });
    expect(ghost).toEqual({ known: false, model: 'generic', connected: false, lastStartAt: null, reported: { ChargeProfileMaxStackLevel: '8' } });
    expect(none).toEqual({ known: false, model: 'generic', connected: false, lastStartAt: null, reported: {} });
  });

  it('answers every charger with its own states, group and profiles', async () => {
    const [s1, s2, s3] = await Promise.all(['P1', 'P2', 'NONE'].map((id) => store.states(id)));
    expect([...s1.values()].map((s) => [s.chargingProfileId, s.outcome])).toEqual([[2, 'Accepted']]);
    expect([...s2.values()].map((s) => [s.chargingProfileId, s.outcome, s.message])).toEqual([[1, 'not-connected', 'sent when the charger connects']]);
    expect(s3.size).toBe(0);
    const [f1, f2, f3] = await Promise.all(['P1', 'P2', 'NONE'].map((id) => store.forCharger(id)));
    expect(f1.group).toBeNull();
    expect(f1.own.map((p) => p.csChargingProfiles.chargingProfileId)).toEqual([2, 3]);
    expect(f1.groupProfiles).toEqual([]);
    expect(f2).toMatchObject({ group: 'site-a', own: [] });
    expect(f2.groupProfiles.map((p) => [p.scope, p.scopeId, p.csChargingProfiles.chargingProfileId])).toEqual([['group', 'site-a', 1]]);
    expect(f3).toEqual({ group: null, own: [], groupProfiles: [] });
  });
});
