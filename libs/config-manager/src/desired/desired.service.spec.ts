import { sqlOf } from '#csms/persistence';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { ensureModelDefaults } from '../provisioning/model-defaults.js';
import { profilesView } from './profiles-view.js';
import { Harness } from './test-support/harness.js';

type Reply = { ok: true } | { ok: false; status: number; body: { errors?: Array<{ key?: string; value?: unknown; rule: string; message: string }> } };
const errorsOf = (r: Reply): Array<{ key?: string; value?: unknown; rule: string; message: string }> => {
  if (r.ok) throw new Error('expected a refusal');
  return r.body.errors ?? [];
};

describe('DesiredService: levels, validation by the profile, 422', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await Harness.open();
  }, 60_000);
  afterAll(async () => h.close());
  beforeEach(async () => h.reset());

  it('refuses an invalid desired value with 422, stores nothing, and sends nothing', async () => {
    const sim = await h.charger('ZAP000010', 'zaptec-go');
    const r = await h.service.setCharger({ chargerId: 'ZAP000010', keys: { HeartbeatInterval: 'often', FreeChargingIdTag: 'X'.repeat(21) } });
    expect(r).toMatchObject({ ok: false, status: 422 });
    expect(errorsOf(r).map((e) => [e.key, e.rule])).toEqual(
      expect.arrayContaining([
        ['HeartbeatInterval', 'integer'],
        ['FreeChargingIdTag', 'string.length'],
      ]),
    );
    expect(await sqlOf(h.t.db).query(`SELECT * FROM config_desired WHERE scope = 'charger'`)).toEqual([]);
    await h.reconciler.request('ZAP000010');
    expect(sim.changes.map((c) => c.value)).not.toContain('often');
    expect(sim.value('HeartbeatInterval')).toBe('900');
  });

  it('refuses a key the model lacks (FreeCharging on a Pro) naming the model', async () => {
    await h.charger('ZPR000001', 'zaptec-pro', { model: 'pro' });
    const r = await h.service.setCharger({ chargerId: 'ZPR000001', keys: { FreeCharging: 'true', FreeChargingIdTag: 'FREE' } });
    expect(r).toMatchObject({ ok: false, status: 422 });
    const errors = errorsOf(r);
    expect(errors.find((e) => e.key === 'FreeCharging')).toMatchObject({ rule: 'model.keyAbsent' });
    expect(errors.find((e) => e.key === 'FreeCharging')?.message).toMatch(/Zaptec Pro/);
  });

  it('refuses StopTransactionOnInvalidId=false on a Go 2, explaining why', async () => {
    await h.charger('ZAP200001', 'zaptec-go2', { model: 'go2' });
    const r = await h.service.setCharger({ chargerId: 'ZAP200001', keys: { StopTransactionOnInvalidId: 'false' } });
    expect(errorsOf(r)).toEqual([expect.objectContaining({ key: 'StopTransactionOnInvalidId', value: 'false', rule: 'go2.stopTxOnInvalidIdFixed' })]);
    expect(errorsOf(r)[0]?.message).toMatch(/Go 2 always stops/);
    expect((await h.service.setCharger({ chargerId: 'ZAP200001', keys: { StopTransactionOnInvalidId: 'true' } })).ok).toBe(true);
  });

  it('refuses AuthorizationKey at every level: auth owns it', async () => {
    const r = await h.service.setFleet({ keys: { AuthorizationKey: '00112233445566778899aabbccddeeff' } });
    expect(errorsOf(r)).toEqual([expect.objectContaining({ key: 'AuthorizationKey', value: null, rule: 'authorizationKey.ownedByAuth' })]);
  });

  it("merges fleet < model < group < charger, later wins, null removes a level's key", async () => {
    await h.charger('ZAP000011', 'zaptec-go');
    const eff = async (): Promise<{ value?: string; source?: string }> => {
      const r = await h.service.getCharger('ZAP000011');
      if (!r.ok) throw new Error('not found');
      return { value: r.data.effective['HeartbeatInterval'], source: r.data.drift.find((d) => d.key === 'HeartbeatInterval')?.source };
    };
    expect(await eff()).toEqual({ value: '900', source: 'model' });
    expect((await h.service.setGroup({ group: 'garage', keys: { HeartbeatInterval: '600' } })).ok).toBe(true);
    expect((await h.service.setGroupMembers({ group: 'garage', chargerIds: ['ZAP000011'] })).ok).toBe(true);
    expect(await eff()).toEqual({ value: '600', source: 'group' });
    expect((await h.service.setCharger({ chargerId: 'ZAP000011', keys: { HeartbeatInterval: '300' } })).ok).toBe(true);
    expect(await eff()).toEqual({ value: '300', source: 'charger' });
    await h.service.setCharger({ chargerId: 'ZAP000011', keys: { HeartbeatInterval: null } });
    expect(await eff()).toEqual({ value: '600', source: 'group' });
    await h.service.setGroupMembers({ group: 'garage', chargerIds: [] });
    expect(await eff()).toEqual({ value: '900', source: 'model' });
    expect((await h.service.setFleet({ keys: { HeartbeatInterval: '1200' } })).ok).toBe(true);
    expect(await eff()).toEqual({ value: '900', source: 'model' });
    expect((await h.service.setModel({ model: 'zaptec-go', keys: { HeartbeatInterval: null } })).ok).toBe(true);
    expect(await eff()).toEqual({ value: '1200', source: 'fleet' });
    await h.service.setFleet({ keys: { HeartbeatInterval: null } });
    expect(await eff()).toEqual({ value: undefined, source: undefined });
  });

  it('validates a fleet, model or group change against every member, naming the charger', async () => {
    await h.charger('ZAP000012', 'zaptec-go');
    await h.service.setCharger({ chargerId: 'ZAP000012', keys: { PowerActiveImportDeltaForEagerMeterValueSample: '200' } });
    // Dropping Power.Active.Import at the Go's level breaks this charger's eager sample.
    const r = await h.service.setModel({ model: 'zaptec-go', keys: { MeterValuesSampledData: 'Energy.Active.Import.Register' } });
    const e = errorsOf(r).find((x) => x.rule === 'eagerSample.needsPowerActiveImport');
    expect(e?.message).toMatch(/^ZAP000012 \(Zaptec Go\): /);
    expect((await h.service.getLevel('model', 'zaptec-go')).ok && (await h.service.getLevel('model', 'zaptec-go'))).toMatchObject({
      data: { keys: { MeterValuesSampledData: expect.stringContaining('Power.Active.Import') } },
    });
    // The same at the fleet level is harmless while the Go's level holds its own list; without it, refused.
    expect((await h.service.setFleet({ keys: { MeterValuesSampledData: 'Energy.Active.Import.Register' } })).ok).toBe(true);
    await h.service.setFleet({ keys: { MeterValuesSampledData: null } });
    // Moving a Go 2 into a group that desires StopTransactionOnInvalidId=false is refused too.
    await h.charger('ZAP200002', 'zaptec-go2', { model: 'go2' });
    expect((await h.service.setGroup({ group: 'lenient', keys: { StopTransactionOnInvalidId: 'false' } })).ok).toBe(true);
    expect(errorsOf(await h.service.setGroupMembers({ group: 'lenient', chargerIds: ['ZAP200002'] }))[0]).toMatchObject({ rule: 'go2.stopTxOnInvalidIdFixed' });
  });

  it('keeps fleet keys a model lacks as not applicable to it, instead of refusing the fleet', async () => {
    await h.charger('ZPR000002', 'zaptec-pro', { model: 'pro' });
    await h.charger('ZAP000013', 'zaptec-go');
    expect((await h.service.setFleet({ keys: { FreeCharging: 'false' } })).ok).toBe(true);
    const pro = await h.service.getCharger('ZPR000002');
    expect(pro.ok && pro.data.notApplicable).toEqual(['FreeCharging']);
    const go = await h.service.getCharger('ZAP000013');
    expect(go.ok && go.data.effective['FreeCharging']).toBe('false');
  });

  it('validates a fleet change against a generic charger when none is known, and answers 404 for unknown things', async () => {
    expect(errorsOf(await h.service.setFleet({ keys: { HeartbeatInterval: '-5' } }))[0]).toMatchObject({ key: 'HeartbeatInterval' });
    expect(await h.service.getCharger('NOBODY')).toMatchObject({ ok: false, status: 404 });
    expect(await h.service.getLevel('group', 'nope')).toMatchObject({ ok: false, status: 404 });
    expect(await h.service.setCharger({ chargerId: 'X', keys: { HeartbeatInterval: 60 as unknown as string } })).toMatchObject({ ok: false, status: 400 });
  });

  it("seeds the Zaptec models' levels with the billing defaults, not the fleet, and never again once touched", async () => {
    const fleet = await h.service.getLevel('fleet');
    expect(fleet.ok && fleet.data.keys).toEqual({});
    const go = await h.service.getLevel('model', 'zaptec-go');
    expect(go.ok && go.data.keys).toMatchObject({ HeartbeatInterval: '900', MeterValueSampleInterval: '60' });
    const generic = await h.service.getLevel('model', 'generic');
    expect(generic.ok && generic.data.keys).toEqual({});
    // An operator removes one at a model level: a restart does not bring it back.
    expect((await h.service.setModel({ model: 'zaptec-pro', keys: { ClockAlignedDataInterval: null } })).ok).toBe(true);
    expect(await ensureModelDefaults(h.t.db)).toBe(0);
    const pro = await h.service.getLevel('model', 'zaptec-pro');
    expect(pro.ok && pro.data.keys['ClockAlignedDataInterval']).toBeUndefined();
  });

  it('serves the key registry and the models for forms', () => {
    const p = profilesView();
    expect(p.keys.find((k) => k.name === 'PowerActiveImportDeltaForEagerMeterValueSample')).toMatchObject({
      type: 'integer',
      unit: 'W',
      access: 'RW',
      profile: 'Zaptec',
    });
    expect(p.keys.find((k) => k.name === 'FreeChargingIdTag')).toMatchObject({ type: 'string', maxLength: 20 });
    expect(p.models.find((m) => m.model === 'zaptec-pro')?.capabilities.keys).not.toContain('FreeCharging');
  });
});
