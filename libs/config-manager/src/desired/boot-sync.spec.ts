import { sqlOf } from '#csms/persistence';
/**
 * The desired part's side of "apply the desired configuration before accepting"
 * (docs/reference/design-decisions.md#boot-policy): BootService with the
 * real sync check (DesiredService's drift) and boot provisioning, on PGlite and the in-process bus, against the
 * simulated Zaptec Go. Pending while not in sync, the reconciliation after the boot applies, the next boot Accepted.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { ChargerMessage } from '#csms/bus';
import type { BootNotificationRequest, BootNotificationResponse } from '#csms/ocpp';
import { registerBootProvisioning } from '../provisioning/boot-provisioning.js';
import { BootService } from '../registration/boot.service.js';
import type { RegistrationLookup } from '../registration/registration-lookup.js';
import { notInSyncReason } from './boot-sync.js';
import type { KeyDrift } from './effective.js';
import type { ReconcileResult, Reconciler } from './reconciler.js';
import { Harness, quiet } from './test-support/harness.js';

const ID = 'ZAP000300';
const accepted: RegistrationLookup = async () => ({ kind: 'decided', registration: { state: 'accepted', securityProfile: 1, known: true } });

describe('notInSyncReason', () => {
  const key = (state: KeyDrift['state'], lastOutcomeAt?: string): KeyDrift => ({
    key: 'HeartbeatInterval',
    desired: '900',
    source: 'fleet',
    reported: '86400',
    state,
    ...(lastOutcomeAt ? { lastOutcome: 'RebootRequired', lastOutcomeAt } : {}),
  });
  const boot = new Date('2025-11-25T10:00:00.000Z');

  it('no snapshot: not in sync, even with nothing desired', () => {
    expect(notInSyncReason(false, [], boot)).toBe('no configuration reported yet');
  });
  it('in sync when every key is in-sync', () => {
    expect(notInSyncReason(true, [key('in-sync')], boot)).toBeUndefined();
  });
  it.each(['drifted', 'pending', 'unknown'] as const)('%s keys are not in sync', (state) => {
    expect(notInSyncReason(true, [key(state)], boot)).toMatch(/^1 key\(s\) not in sync: HeartbeatInterval /);
  });
  it('pending reboot counts as in sync only when the RebootRequired came before this boot', () => {
    expect(notInSyncReason(true, [key('pending-reboot', '2025-11-25T09:59:00.000Z')], boot)).toBeUndefined();
    expect(notInSyncReason(true, [key('pending-reboot', '2025-11-25T10:00:01.000Z')], boot)).toMatch(/pending-reboot/);
  });
  it('names three keys and counts the rest', () => {
    const many = ['A', 'B', 'C', 'D', 'E'].map((k) => ({ ...key('drifted'), key: k }));
    expect(notInSyncReason(true, many, boot)).toMatch(/^5 key\(s\) not in sync: A drifted.*C drifted; and 2 more$/);
  });
});

describe('BootService + the desired part: Pending until configured', () => {
  let h: Harness;
  let boots: BootService;
  let runs: Array<Promise<ReconcileResult>>;
  let provisioning: { stop(): void };
  let seq = 0;

  beforeAll(async () => {
    h = await Harness.open();
  }, 60_000);
  afterAll(async () => {
    provisioning?.stop();
    await h.close();
  });
  beforeEach(async () => {
    provisioning?.stop();
    await h.reset();
    runs = [];
    boots = new BootService(h.t.db, accepted, { heartbeatIntervalS: 900, pendingIntervalS: 30 }, quiet);
    // As DesiredModule wires it.
    boots.useConfigurationSyncCheck((id, at) => h.service.notInSyncAtBoot(id, at));
    // The real boot provisioning, with the reconciliations it starts recorded so the test can wait for them.
    const recording = {
      request: (id: string) => {
        const run = h.reconciler.request(id);
        runs.push(run);
        return run;
      },
    } as unknown as Reconciler;
    provisioning = registerBootProvisioning(boots, h.state, recording, 0, quiet);
  });

  /** One BootNotification, then the reconciliation boot provisioning starts after it, finished. */
  async function bootAndReconcile(): Promise<BootNotificationResponse> {
    const before = runs.length;
    const msg: ChargerMessage<BootNotificationRequest> = {
      chargerId: ID,
      messageId: `b-${++seq}`,
      action: 'BootNotification',
      receivedAt: new Date().toISOString(),
      gatewayId: 'gw-1',
      payload: { chargePointVendor: 'Zaptec', chargePointModel: 'Go', firmwareVersion: '2.4.2.4' },
    };
    const reply = await boots.boot(msg);
    for (;;) {
      if (runs.length > before) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    await runs[before];
    return reply;
  }
  const policy = (on: boolean): Promise<unknown> =>
    sqlOf(h.t.db).query(`UPDATE config_chargers SET apply_config_before_accept = $2 WHERE charger_id = $1`, [ID, on]);

  it('policy off: Accepted before anything is known about the configuration', async () => {
    await h.charger(ID, 'zaptec-go');
    expect(await bootAndReconcile()).toMatchObject({ status: 'Accepted', interval: 900 });
  });

  it('policy on: Pending (no snapshot), the reconciliation after the boot applies the fleet values, the next boot is Accepted', async () => {
    const sim = await h.charger(ID, 'zaptec-go');
    await policy(true);
    expect(await bootAndReconcile()).toMatchObject({ status: 'Pending', interval: 30 });
    expect(sim.value('HeartbeatInterval')).toBe('900');
    expect(sim.changesOf('MeterValueSampleInterval')).toEqual([{ key: 'MeterValueSampleInterval', value: '60', status: 'Accepted' }]);
    expect(await bootAndReconcile()).toMatchObject({ status: 'Accepted', interval: 900 });
  });

  it('policy on, a charger-level desired key drifted: Pending naming it, then Accepted once applied', async () => {
    const sim = await h.charger(ID, 'zaptec-go');
    expect(await bootAndReconcile()).toMatchObject({ status: 'Accepted' });
    await policy(true);
    await sqlOf(h.t.db).transaction((tx) => h.desired.writeLevel(tx, 'charger', ID, { FreeCharging: 'true', FreeChargingIdTag: 'FREE' }, 'api:ops'));
    expect(await bootAndReconcile()).toMatchObject({ status: 'Pending' });
    const reason: Array<{ reason: string }> = await sqlOf(h.t.db).query(`SELECT reason FROM config_boot_log WHERE charger_id = $1 ORDER BY id DESC LIMIT 1`, [
      ID,
    ]);
    expect(reason[0].reason).toMatch(/^policy:apply-config-before-accept: 2 key\(s\) not in sync: FreeCharging drifted/);
    expect(sim.value('FreeCharging')).toBe('true');
    expect(await bootAndReconcile()).toMatchObject({ status: 'Accepted' });
  });

  it('a key answered RebootRequired counts as applied at the next boot (the reboot)', async () => {
    const sim = await h.charger(ID, 'zaptec-go', { rebootRequired: ['HeartbeatInterval'] });
    await policy(true);
    expect(await bootAndReconcile()).toMatchObject({ status: 'Pending' });
    expect(sim.changesOf('HeartbeatInterval')).toEqual([{ key: 'HeartbeatInterval', value: '900', status: 'RebootRequired' }]);
    const view = await h.service.getCharger(ID);
    expect(view.ok && view.data.drift.find((d) => d.key === 'HeartbeatInterval')?.state).toBe('pending-reboot');
    expect(await bootAndReconcile()).toMatchObject({ status: 'Accepted' });
  });

  it('a key the charger rejects keeps it Pending: the drift says why', async () => {
    await h.charger(ID, 'zaptec-go', { extraReadOnly: ['MeterValueSampleInterval'] });
    await policy(true);
    expect(await bootAndReconcile()).toMatchObject({ status: 'Pending' });
    expect(await bootAndReconcile()).toMatchObject({ status: 'Pending' });
    const reason: Array<{ reason: string }> = await sqlOf(h.t.db).query(`SELECT reason FROM config_boot_log WHERE charger_id = $1 ORDER BY id DESC LIMIT 1`, [
      ID,
    ]);
    expect(reason[0].reason).toMatch(/MeterValueSampleInterval refused \(refused by the charger: it answered Rejected/);
    // The operator lets it in by turning the policy off.
    await policy(false);
    expect(await bootAndReconcile()).toMatchObject({ status: 'Accepted' });
  });
});
