import { sqlOf } from '#csms/persistence';
/**
 * Desired configuration in a mixed fleet (docs/reference/design-decisions.md#boot-provisioning,
 * docs/reference/design-decisions.md#refusals-remembered) on the desired part wired by hand (PGlite, the real
 * in-process bus, simulated chargers): the model level,
 * refusals remembered per value/firmware/model, and a ChangeConfiguration from the command API kept as desired.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { ZAPTEC_BILLING_DEFAULTS } from '#csms/zaptec-profile';
import type { ChargerConfigurationView } from './desired.service.js';
import { Harness, data } from './test-support/harness.js';

describe('desired configuration in a mixed fleet', () => {
  let h: Harness;
  const view = async (id: string): Promise<ChargerConfigurationView> => data(await h.service.getCharger(id));

  beforeAll(async () => {
    h = await Harness.open();
  }, 60_000);
  afterAll(async () => h.close());
  beforeEach(async () => h.reset());

  it('the billing defaults sit at the Zaptec models, not the fleet: a generic charger is sent nothing', async () => {
    expect(data(await h.service.getLevel('fleet')).keys).toEqual({});
    for (const model of ['zaptec-go', 'zaptec-go2', 'zaptec-pro', 'zaptec-unknown']) {
      expect(data(await h.service.getLevel('model', model)).keys).toEqual(ZAPTEC_BILLING_DEFAULTS);
    }
    expect(data(await h.service.getLevel('model', 'generic')).keys).toEqual({});
    const generic = await h.charger('ABB000001', 'generic');
    expect((await h.reconciler.request('ABB000001')).status).toBe('done');
    expect(generic.changes).toEqual([]);
    const v = await view('ABB000001');
    expect(v.effective).toEqual({});
    expect(v.desired.model).toEqual({ name: 'generic', keys: {} });
    const go = await h.charger('ZAP001601', 'zaptec-go');
    await h.reconciler.request('ZAP001601');
    expect(go.value('MeterValueSampleInterval')).toBe(ZAPTEC_BILLING_DEFAULTS['MeterValueSampleInterval']);
    expect((await view('ZAP001601')).sources['MeterValueSampleInterval']).toBe('model');
  });

  it('fleet < model < group < charger: the most specific wins, and the view names the level', async () => {
    await h.charger('ZAP001602', 'zaptec-go');
    expect(data(await h.service.setFleet({ keys: { MeterValueSampleInterval: '30', ConnectionTimeOut: '45' }, actor: 'api:ops' })).keys).toMatchObject({
      ConnectionTimeOut: '45',
    });
    let v = await view('ZAP001602');
    expect(v.effective).toMatchObject({ MeterValueSampleInterval: '60', ConnectionTimeOut: '45' });
    expect(v.sources).toMatchObject({ MeterValueSampleInterval: 'model', ConnectionTimeOut: 'fleet' });
    data(await h.service.setGroupMembers({ group: 'site-a', chargerIds: ['ZAP001602'], actor: 'api:ops' }));
    data(await h.service.setGroup({ group: 'site-a', keys: { MeterValueSampleInterval: '20' }, actor: 'api:ops' }));
    expect((await view('ZAP001602')).sources['MeterValueSampleInterval']).toBe('group');
    data(await h.service.setCharger({ chargerId: 'ZAP001602', keys: { MeterValueSampleInterval: '10' }, actor: 'api:ops' }));
    v = await view('ZAP001602');
    expect(v.effective['MeterValueSampleInterval']).toBe('10');
    expect(v.sources['MeterValueSampleInterval']).toBe('charger');
  });

  it('a model level change is validated for that model and reaches only its chargers', async () => {
    const refused = await h.service.setModel({ model: 'zaptec-pro', keys: { FreeCharging: 'true' }, actor: 'api:ops' });
    expect(refused).toMatchObject({ ok: false, status: 422 });
    expect(await h.service.setModel({ model: 'tesla', keys: {}, actor: 'api:ops' })).toMatchObject({ ok: false, status: 404 });
    const generic = await h.charger('ABB000002', 'generic');
    data(await h.service.setModel({ model: 'generic', keys: { MeterValueSampleInterval: '120' }, actor: 'api:ops' }));
    await h.reconciler.request('ABB000002');
    expect(generic.changes).toEqual([{ key: 'MeterValueSampleInterval', value: '120', status: 'Accepted' }]);
    const history = data(await h.service.history('ABB000002')).items;
    expect(history).toEqual(
      expect.arrayContaining([expect.objectContaining({ scope: 'model', scopeId: 'generic', key: 'MeterValueSampleInterval', actor: 'api:ops' })]),
    );
  });

  it('a Rejected key is tried once per desired value and firmware; a retry or a new firmware sends it again', async () => {
    const sim = await h.charger('ZAP001603', 'zaptec-go', { extraReadOnly: ['MeterValuesAlignedData'] });
    await sqlOf(h.t.db).execute(`UPDATE config_chargers SET firmware_version = '2.4.2.4' WHERE charger_id = 'ZAP001603'`);
    for (let i = 0; i < 3; i++) await h.reconciler.request('ZAP001603');
    expect(sim.changesOf('MeterValuesAlignedData')).toHaveLength(1);
    const refused = (await view('ZAP001603')).drift.find((d) => d.key === 'MeterValuesAlignedData');
    expect(refused).toMatchObject({
      state: 'refused',
      lastOutcome: 'Rejected',
      reason: expect.stringMatching(/^refused by the charger: .*firmware 2\.4\.2\.4/),
    });
    // The operator asks again: sent once more (and refused once more).
    const retried = data(await h.service.retryRefused({ chargerId: 'ZAP001603', keys: ['MeterValuesAlignedData'], actor: 'api:ops' }));
    expect(retried.drift.find((d) => d.key === 'MeterValuesAlignedData')?.state).not.toBe('refused');
    await h.reconciler.request('ZAP001603');
    expect(sim.changesOf('MeterValuesAlignedData')).toHaveLength(2);
    await h.reconciler.request('ZAP001603');
    expect(sim.changesOf('MeterValuesAlignedData')).toHaveLength(2);
    // New firmware: asked again.
    await sqlOf(h.t.db).execute(`UPDATE config_chargers SET firmware_version = '2.5.0.0' WHERE charger_id = 'ZAP001603'`);
    await h.reconciler.request('ZAP001603');
    expect(sim.changesOf('MeterValuesAlignedData')).toHaveLength(3);
    // A new desired value: asked again.
    data(
      await h.service.setModel({ model: 'zaptec-go', keys: { MeterValuesAlignedData: 'Energy.Active.Import.Register,Power.Active.Import' }, actor: 'api:ops' }),
    );
    await h.reconciler.request('ZAP001603');
    expect(sim.changesOf('MeterValuesAlignedData')).toHaveLength(4);
  });

  it('a NotSupported key is not asked again at the next boot on the same firmware', async () => {
    const sim = await h.charger('ZAP001604', 'zaptec-go');
    sim.store.delete('ClockAlignedDataInterval');
    await h.reconciler.request('ZAP001604');
    await h.state.clearRebootPending('ZAP001604'); // what every BootNotification does
    await h.reconciler.request('ZAP001604');
    expect(sim.changesOf('ClockAlignedDataInterval')).toEqual([{ key: 'ClockAlignedDataInterval', value: '900', status: 'NotSupported' }]);
  });

  it('a ChangeConfiguration the charger accepted through the command API becomes the charger-level value and sticks', async () => {
    const sim = await h.charger('ZAP001605', 'zaptec-go');
    await h.reconciler.request('ZAP001605');
    // The operator's raw command, as the gateway's command API sends it, then config-manager hears of it.
    sim.setLocally('MeterValueSampleInterval', '10');
    const recorded = data(
      await h.service.recordCommandChange({ chargerId: 'ZAP001605', key: 'metervaluesampleinterval', value: '10', status: 'Accepted', actor: 'api:ops' }),
    );
    expect(recorded).toEqual({ chargerId: 'ZAP001605', key: 'MeterValueSampleInterval', value: '10', recorded: true, level: 'charger' });
    for (let i = 0; i < 3; i++) await h.reconciler.request('ZAP001605');
    expect(sim.value('MeterValueSampleInterval')).toBe('10');
    expect(sim.changesOf('MeterValueSampleInterval').filter((c) => c.value !== '60')).toEqual([]);
    const v = await view('ZAP001605');
    expect(v.desired.charger).toEqual({ MeterValueSampleInterval: '10' });
    expect(v.sources['MeterValueSampleInterval']).toBe('charger');
    expect(data(await h.service.history('ZAP001605')).items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ actor: 'api:ops', scope: 'charger', key: 'MeterValueSampleInterval', old: null, new: '10', outcome: 'command:Accepted' }),
      ]),
    );
    // Not kept: a refused change, and AuthorizationKey (auth's).
    expect(
      data(await h.service.recordCommandChange({ chargerId: 'ZAP001605', key: 'HeartbeatInterval', value: '5', status: 'Rejected', actor: 'api:ops' }))
        .recorded,
    ).toBe(false);
    expect(
      data(
        await h.service.recordCommandChange({ chargerId: 'ZAP001605', key: 'AuthorizationKey', value: 'aa'.repeat(16), status: 'Accepted', actor: 'api:ops' }),
      ).recorded,
    ).toBe(false);
    expect((await view('ZAP001605')).desired.charger).toEqual({ MeterValueSampleInterval: '10' });
  });
});
