import { sqlOf } from '#csms/persistence';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';

import { ok } from '#csms/http';
import { ZAPTEC_BILLING_DEFAULTS } from '#csms/zaptec-profile';
import type { ChargerConfigurationView } from './desired.service.js';
import { Harness, data, until } from './test-support/harness.js';
import * as meteringVerbs from '#csms/metering/verbs';
import * as authVerbs from '#csms/auth/verbs';

describe('Reconciler against a simulated Zaptec on the in-process bus', () => {
  let h: Harness;
  const view = async (id: string): Promise<ChargerConfigurationView> => data(await h.service.getCharger(id));

  beforeAll(async () => {
    h = await Harness.open();
  }, 60_000);
  afterAll(async () => h.close());
  beforeEach(async () => h.reset());

  it('brings a Go from 86400/0 to the Zaptec model billing defaults and reports it in sync', async () => {
    const sim = await h.charger('ZAP000001', 'zaptec-go');
    const result = await h.reconciler.request('ZAP000001');
    expect(result.status).toBe('done');
    for (const [k, v] of Object.entries(ZAPTEC_BILLING_DEFAULTS)) expect(sim.value(k)).toBe(v);
    // Sampled measurands before the stop measurands that must be among them (profile order).
    const keys = sim.changes.map((c) => c.key);
    expect(keys.indexOf('MeterValuesSampledData')).toBeLessThan(keys.indexOf('StopTxnSampledData'));
    const v = await view('ZAP000001');
    expect(v.drifted).toBe(false);
    expect(v.drift.every((d) => d.state === 'in-sync')).toBe(true);
    expect(v.reported?.keys.find((k) => k.key === 'HeartbeatInterval')?.value).toBe('900');
  });

  it('sends FreeChargingIdTag before FreeCharging when both are desired, on the next connect', async () => {
    const sim = await h.charger('ZAP000002', 'zaptec-go');
    const put = await h.service.setCharger({ chargerId: 'ZAP000002', keys: { FreeCharging: 'true', FreeChargingIdTag: 'FREE' }, actor: 'api:test' });
    expect(put.ok).toBe(true);
    await h.reconciler.request('ZAP000002');
    const order = sim.changes.map((c) => c.key).filter((k) => k.startsWith('FreeCharging'));
    expect(order).toEqual(['FreeChargingIdTag', 'FreeCharging']);
    expect(sim.changesOf('FreeCharging')).toHaveLength(1); // the follow-up run found nothing left to do
    expect(sim.value('FreeCharging')).toBe('true');
    expect(sim.value('FreeChargingIdTag')).toBe('FREE');
    const history = data(await h.service.history('ZAP000002'));
    expect(history.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ actor: 'api:test', key: 'FreeCharging', new: 'true', outcome: 'stored', scope: 'charger' }),
        expect.objectContaining({ actor: 'reconciler', key: 'FreeCharging', old: 'false', new: 'true', outcome: 'Accepted' }),
      ]),
    );
  });

  it('stops asking for UnlockConnectorOnEVSideDisconnect=true once LockCablePermanently is on', async () => {
    const sim = await h.charger('ZAP000003', 'zaptec-go');
    expect((await h.service.setCharger({ chargerId: 'ZAP000003', keys: { UnlockConnectorOnEVSideDisconnect: 'true' } })).ok).toBe(true);
    await h.reconciler.request('ZAP000003');
    // Turned on at the charger (installer app): the charger now holds Unlock false and read-only (guide §1.3).
    sim.setLocally('LockCablePermanently', 'true');
    const before = sim.changes.length;
    const r = await h.reconciler.request('ZAP000003');
    expect(sim.changes.slice(before).map((c) => c.key)).not.toContain('UnlockConnectorOnEVSideDisconnect');
    expect(r.skipped.map((s) => s.key)).toContain('UnlockConnectorOnEVSideDisconnect');
    const unlock = (await view('ZAP000003')).drift.find((d) => d.key === 'UnlockConnectorOnEVSideDisconnect');
    expect(unlock).toMatchObject({ state: 'drifted', reported: 'false', desired: 'true' });
    expect(unlock?.reason).toMatch(/LockCablePermanently=true/);
  });

  it('turning LockCablePermanently on as desired sends it, and never UnlockConnectorOnEVSideDisconnect', async () => {
    const sim = await h.charger('ZAP000004', 'zaptec-go');
    await h.service.setCharger({ chargerId: 'ZAP000004', keys: { UnlockConnectorOnEVSideDisconnect: 'true' } });
    await h.reconciler.request('ZAP000004');
    // Lock on while Unlock=true is still desired is a contradiction the profile refuses (guide §1.3).
    const refused = await h.service.setCharger({ chargerId: 'ZAP000004', keys: { LockCablePermanently: 'true' } });
    expect(refused).toMatchObject({ ok: false, status: 422 });
    if (!refused.ok)
      expect(refused.body.errors).toEqual([
        expect.objectContaining({ key: 'UnlockConnectorOnEVSideDisconnect', value: 'true', rule: 'lockCable.unlockOnEvDisconnect' }),
      ]);
    const put = await h.service.setCharger({ chargerId: 'ZAP000004', keys: { LockCablePermanently: 'true', UnlockConnectorOnEVSideDisconnect: null } });
    expect(put.ok).toBe(true);
    await h.reconciler.request('ZAP000004');
    expect(sim.changesOf('LockCablePermanently')).toEqual([{ key: 'LockCablePermanently', value: 'true', status: 'Accepted' }]);
    expect(sim.changesOf('UnlockConnectorOnEVSideDisconnect')).toEqual([]);
    expect(sim.value('UnlockConnectorOnEVSideDisconnect')).toBe('false');
    expect((await view('ZAP000004')).drifted).toBe(false);
  });

  it('shows a value changed at the charger as drift on the next check, and the reconciliation corrects it', async () => {
    const sim = await h.charger('ZAP000005', 'zaptec-go');
    await h.reconciler.request('ZAP000005');
    sim.setLocally('HeartbeatInterval', '3600');
    // The check alone (read + snapshot), as the first half of the periodic re-check.
    const read = await h.link.readAll('ZAP000005', ['HeartbeatInterval']);
    if (!read.ok) throw new Error(read.message);
    await h.state.replaceReported('ZAP000005', read.keys, new Date());
    const hb = (await view('ZAP000005')).drift.find((d) => d.key === 'HeartbeatInterval');
    expect(hb).toMatchObject({ state: 'drifted', reported: '3600', desired: '900', reason: 'reported "3600", desired "900"' });

    await h.reconciler.request('ZAP000005');
    expect(sim.value('HeartbeatInterval')).toBe('900');
    expect((await view('ZAP000005')).drifted).toBe(false);
    const items = data(await h.service.history('ZAP000005')).items;
    expect(items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ actor: 'charger', key: 'HeartbeatInterval', old: '900', new: '3600', outcome: 'reported' }),
        expect.objectContaining({ actor: 'reconciler', key: 'HeartbeatInterval', old: '3600', new: '900', outcome: 'Accepted' }),
      ]),
    );
  });

  it('records Rejected as refused with the reason, and RebootRequired as pending reboot', async () => {
    const sim = await h.charger('ZAP000006', 'zaptec-go', { extraReadOnly: ['ConnectionTimeOut'], rebootRequired: ['ClockAlignedDataInterval'] });
    await h.service.setCharger({ chargerId: 'ZAP000006', keys: { ConnectionTimeOut: '60' } });
    await h.reconciler.request('ZAP000006');
    const drift = (await view('ZAP000006')).drift;
    expect(drift.find((d) => d.key === 'ConnectionTimeOut')).toMatchObject({ state: 'refused', lastOutcome: 'Rejected' });
    expect(drift.find((d) => d.key === 'ConnectionTimeOut')?.reason).toMatch(/^refused by the charger: it answered Rejected/);
    expect(drift.find((d) => d.key === 'ClockAlignedDataInterval')).toMatchObject({ state: 'pending-reboot', lastOutcome: 'RebootRequired' });
    // Not sent again while the reboot is pending; no Reset without the operator's policy.
    await h.reconciler.request('ZAP000006');
    expect(sim.changesOf('ClockAlignedDataInterval')).toHaveLength(1);
    expect(data(await h.service.history('ZAP000006')).items.map((i) => i.key)).not.toContain('(Reset Soft)');
  });

  it('pages GetConfiguration by GetConfigurationMaxKeys when the charger cuts its answer', async () => {
    const sim = await h.charger('ZAP000007', 'zaptec-go', { maxKeys: 4 });
    await h.reconciler.request('ZAP000007');
    const named = sim.gets.filter((g): g is string[] => g !== undefined && g.length > 1);
    expect(named.length).toBeGreaterThan(0);
    expect(named.every((g) => g.length <= 4)).toBe(true);
    const v = await view('ZAP000007');
    expect(v.reported?.keys.map((k) => k.key)).toEqual(expect.arrayContaining(['FreeCharging', 'LockCablePermanently', 'HeartbeatInterval']));
    expect(sim.value('HeartbeatInterval')).toBe('900');
  });

  it('forwards the keys auth and metering need, and survives them not running', async () => {
    const auth: unknown[] = [];
    const metering: unknown[] = [];
    await h.charger('ZAP000008', 'zaptec-go');
    expect((await h.reconciler.request('ZAP000008')).status).toBe('done'); // nobody serves auth/metering yet
    const a = await h.bus.serve(authVerbs.setReportedConfiguration.subject, async (b: unknown) => (auth.push(b), ok({ stored: true })), {
      queue: 'auth',
    });
    const m = await h.bus.serve(meteringVerbs.setChargerSettings.subject, async (b: unknown) => (metering.push(b), ok({})), { queue: 'metering' });
    try {
      await h.reconciler.request('ZAP000008');
      // Told right after the first read, and again with the final values at the end.
      expect(auth.length).toBeGreaterThanOrEqual(1);
      for (const told of auth)
        expect(told).toEqual({ chargerId: 'ZAP000008', keys: { FreeCharging: 'false', FreeChargingIdTag: '', UseAuthorizationKeyWithoutDecoding: 'false' } });
      expect(metering).toEqual([{ chargerId: 'ZAP000008', meterValueSampleInterval: 60, eagerDelta: 0 }]);
    } finally {
      await a.unsubscribe();
      await m.unsubscribe();
    }
  });

  it('tells auth an Accepted FreeCharging at once, before the re-read that ends the run', async () => {
    const sim = await h.charger('ZAP000010', 'zaptec-go');
    expect((await h.reconciler.request('ZAP000010')).status).toBe('done');
    const seen: Array<{ keys: Record<string, string>; readsSoFar: number }> = [];
    const a = await h.bus.serve(
      authVerbs.setReportedConfiguration.subject,
      async (b: { keys: Record<string, string> }) => (seen.push({ keys: b.keys, readsSoFar: sim.gets.length }), ok({ stored: true })),
      { queue: 'auth' },
    );
    try {
      // setCharger starts the run itself (the charger is connected); wait for it, and only it, to end.
      await h.service.setCharger({ chargerId: 'ZAP000010', keys: { FreeCharging: 'true', FreeChargingIdTag: 'FREE' }, actor: 'api:test' });
      await until(() => (h.reconciler.busy('ZAP000010') ? undefined : true));
      expect(sim.value('FreeCharging')).toBe('true');
      const first = seen.find((s) => s.keys.FreeCharging === 'true');
      expect(first?.keys).toMatchObject({ FreeCharging: 'true', FreeChargingIdTag: 'FREE' });
      // Sent before the GetConfiguration that re-reads after the changes.
      expect(first!.readsSoFar).toBeLessThan(sim.gets.length);
    } finally {
      await a.unsubscribe();
    }
  });

  it('coalesces: requests during a run share one follow-up run', async () => {
    const sim = await h.charger('ZAP000009', 'zaptec-go');
    const runs = await Promise.all([1, 2, 3, 4].map(() => h.reconciler.request('ZAP000009')));
    expect(runs.every((r) => r.status === 'done')).toBe(true);
    expect(sim.gets.filter((g) => g === undefined).length).toBeLessThanOrEqual(3); // run 1 (+ re-read) and one follow-up
    expect(h.reconciler.busy('ZAP000009')).toBe(false);
  });

  it('a connection already covered by a run that started after it costs no second run (reboot = connect + boot)', async () => {
    const sim = await h.charger('ZAP000010', 'zaptec-go');
    const connectedAt = Date.now();
    const bootRun = h.reconciler.request('ZAP000010');
    // While the boot's run is in progress, the connection's request joins it.
    const joined = await h.reconciler.requestSince('ZAP000010', connectedAt);
    expect(joined).toBe(await bootRun);
    const readsAfterBoot = sim.gets.length;
    // Once it is done, the connection's request is satisfied without talking to the charger.
    expect(await h.reconciler.requestSince('ZAP000010', connectedAt)).toMatchObject({ status: 'done', sent: [] });
    expect(sim.gets.length).toBe(readsAfterBoot);
    // A newer connection (after the last run started) gets its own run.
    expect((await h.reconciler.requestSince('ZAP000010', Date.now() + 1)).status).toBe('done');
    expect(sim.gets.length).toBeGreaterThan(readsAfterBoot);
  });

  it('ends with not-connected when no gateway holds the charger', async () => {
    await sqlOf(h.t.db).execute(`INSERT INTO config_chargers (charger_id, model, connected) VALUES ('ZAP-GONE', 'zaptec-go', false)`);
    expect(await h.reconciler.request('ZAP-GONE')).toMatchObject({ status: 'not-connected' });
  });
});
