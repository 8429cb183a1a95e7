import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { InProcessBus, subjects, type CommandReply, type CommandRequest, type Subscription } from '#csms/bus';
import { openTestDatabase, type TestDatabase } from '../test-support/database.js';
import { ChargingProfilesService } from './charging-profiles.service.js';
import { ProfileReconciler } from './reconciler.js';
import { ChargingProfileStore } from './store.js';
import type { CsChargingProfile, ProfileInput } from './types.js';

const quiet = { warn: (): void => undefined };

/** A charger on the command subject that keeps profiles as OCPP 1.6 §5.16 says, and loses them on a reboot. */
class ProfileCharger {
  readonly profiles = new Map<number, { connectorId: number; profile: CsChargingProfile }>();
  readonly seen: string[] = [];
  private sub?: Subscription;

  static async start(bus: InProcessBus, id: string): Promise<ProfileCharger> {
    const c = new ProfileCharger();
    c.sub = await bus.serve<CommandRequest, CommandReply>(subjects.command(id), async (req) => c.handle(req));
    return c;
  }

  reboot(): void {
    this.profiles.clear();
  }

  async stop(): Promise<void> {
    await this.sub?.unsubscribe();
  }

  private handle(req: CommandRequest): CommandReply {
    this.seen.push(req.action);
    if (req.action === 'SetChargingProfile') {
      const { connectorId, csChargingProfiles: p } = req.payload as ProfileInput;
      if (p.stackLevel > 8) return { status: 'ok', result: { status: 'Rejected' } };
      for (const [id, x] of this.profiles) {
        const same = x.connectorId === connectorId && x.profile.stackLevel === p.stackLevel && x.profile.chargingProfilePurpose === p.chargingProfilePurpose;
        if (same) this.profiles.delete(id);
      }
      this.profiles.set(p.chargingProfileId, { connectorId, profile: p });
      return { status: 'ok', result: { status: 'Accepted' } };
    }
    if (req.action === 'ClearChargingProfile') {
      const { id } = req.payload as { id?: number };
      if (id === undefined) throw new Error('cleared without an id: would reach profiles that are not ours');
      return { status: 'ok', result: { status: this.profiles.delete(id) ? 'Accepted' : 'Unknown' } };
    }
    return { status: 'callerror', code: 'NotImplemented', description: req.action, details: {} };
  }
}

const txDefault = (chargingProfileId: number, limit: number, stackLevel = 1): ProfileInput => ({
  connectorId: 1,
  csChargingProfiles: {
    chargingProfileId,
    stackLevel,
    chargingProfilePurpose: 'TxDefaultProfile',
    chargingProfileKind: 'Absolute',
    chargingSchedule: { startSchedule: '2026-01-01T00:00:00Z', chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit }] },
  },
});

describe('ProfileReconciler on the in-process bus', () => {
  let t: TestDatabase;
  let bus: InProcessBus;
  let store: ChargingProfileStore;
  let reconciler: ProfileReconciler;
  let service: ChargingProfilesService;
  const chargers: ProfileCharger[] = [];

  async function charger(id: string, options: { profiles?: string; connected?: boolean; maxStack?: string } = {}): Promise<ProfileCharger> {
    await t.db.query(`INSERT INTO config_chargers (charger_id, model, connected, boot_at) VALUES ($1, 'zaptec-go', $2, now() - interval '1 hour')`, [
      id,
      options.connected ?? true,
    ]);
    const reported = {
      SupportedFeatureProfiles: options.profiles ?? 'Core,SmartCharging',
      ChargeProfileMaxStackLevel: options.maxStack ?? '8',
      ChargingScheduleAllowedChargingRateUnit: 'Current,Power',
      ChargingScheduleMaxPeriods: '24',
    };
    for (const [key, value] of Object.entries(reported)) {
      await t.db.query(`INSERT INTO config_reported (charger_id, key, value, readonly, reported_at) VALUES ($1, $2, $3, true, now())`, [id, key, value]);
    }
    const c = await ProfileCharger.start(bus, id);
    chargers.push(c);
    return c;
  }

  async function inGroup(group: string, ids: string[]): Promise<void> {
    await t.db.query(`INSERT INTO config_groups (name) VALUES ($1) ON CONFLICT DO NOTHING`, [group]);
    for (const id of ids) await t.db.query(`INSERT INTO config_group_members (charger_id, group_name) VALUES ($1, $2)`, [id, group]);
  }

  const settled = async (id: string): Promise<void> => {
    while (reconciler.busy(id)) await new Promise((r) => setTimeout(r, 5));
  };

  beforeAll(async () => {
    t = await openTestDatabase();
    bus = await InProcessBus.open();
    store = new ChargingProfileStore(t.db);
    reconciler = new ProfileReconciler(store, bus, { commandTimeoutMs: 2_000 }, quiet);
    service = new ChargingProfilesService(store, reconciler, bus, { commandTimeoutMs: 2_000 }, quiet);
  }, 60_000);
  afterAll(async () => {
    await Promise.all(chargers.map((c) => c.stop()));
    await bus?.close();
    await t?.close();
  });
  beforeEach(async () => {
    await Promise.all(chargers.splice(0).map((c) => c.stop()));
    await t.reset();
  });

  it('applies a group profile, sends nothing more while in sync, and sends it again after a reboot', async () => {
    const c = await charger('ZAP100001');
    await inGroup('garage', ['ZAP100001']);
    const put = await service.setGroup({ group: 'garage', profiles: [txDefault(10, 16)], actor: 'api:test' });
    expect(put.ok).toBe(true);
    await settled('ZAP100001');
    expect(c.profiles.get(10)?.profile.chargingSchedule.chargingSchedulePeriod).toEqual([{ startPeriod: 0, limit: 16 }]);

    const view = await service.getCharger('ZAP100001');
    if (!view.ok) throw new Error(JSON.stringify(view));
    expect(view.data.profiles).toEqual([
      expect.objectContaining({ scope: 'group', scopeId: 'garage', inSync: true, state: expect.objectContaining({ outcome: 'Accepted' }) }),
    ]);

    const again = await reconciler.request('ZAP100001');
    expect(again.sent).toEqual([]);

    c.reboot();
    await t.db.query(`UPDATE config_chargers SET boot_at = clock_timestamp() WHERE charger_id = 'ZAP100001'`);
    const afterBoot = await reconciler.request('ZAP100001');
    expect(afterBoot.sent).toEqual([{ chargingProfileId: 10, action: 'set', outcome: 'Accepted' }]);
    expect(c.profiles.has(10)).toBe(true);
  });

  it('clears a removed profile by its id only and leaves a site limit profile alone', async () => {
    const c = await charger('ZAP100002');
    c.profiles.set(900_000_001, { connectorId: 1, profile: txDefault(900_000_001, 10, 5).csChargingProfiles });
    expect((await service.setCharger({ chargerId: 'ZAP100002', profiles: [txDefault(20, 16)] })).ok).toBe(true);
    await settled('ZAP100002');
    expect([...c.profiles.keys()].sort()).toEqual([20, 900_000_001]);

    expect((await service.deleteCharger({ chargerId: 'ZAP100002' })).ok).toBe(true);
    await settled('ZAP100002');
    expect([...c.profiles.keys()]).toEqual([900_000_001]);
    const view = await service.getCharger('ZAP100002');
    expect(view.ok && view.data.removals).toEqual([]);
  });

  it('charger level replaces a group profile in the same slot', async () => {
    const c = await charger('ZAP100003');
    await inGroup('street', ['ZAP100003']);
    await service.setGroup({ group: 'street', profiles: [txDefault(30, 16)] });
    await service.setCharger({ chargerId: 'ZAP100003', profiles: [txDefault(31, 8)] });
    await settled('ZAP100003');
    await reconciler.request('ZAP100003');
    expect([...c.profiles.keys()]).toEqual([31]);
    const view = await service.getCharger('ZAP100003');
    if (!view.ok) throw new Error(JSON.stringify(view));
    expect(view.data.profiles.map((p) => [p.csChargingProfiles.chargingProfileId, p.shadowed])).toEqual([
      [30, true],
      [31, false],
    ]);
  });

  it('records not-applicable and sends nothing to a charger without SmartCharging', async () => {
    const c = await charger('ZAP100004', { profiles: 'Core,FirmwareManagement' });
    await inGroup('basic', ['ZAP100004']);
    await service.setGroup({ group: 'basic', profiles: [txDefault(40, 16)] });
    await settled('ZAP100004');
    expect(c.seen).toEqual([]);
    const group = await service.getGroup('basic');
    expect(group.ok && group.data.outcomes['ZAP100004']).toEqual([expect.objectContaining({ chargingProfileId: 40, outcome: 'not-applicable' })]);
  });

  it('keeps the profile for an offline charger and sends it once connected', async () => {
    const c = await charger('ZAP100005', { connected: false });
    await service.setCharger({ chargerId: 'ZAP100005', profiles: [txDefault(50, 12)] });
    await settled('ZAP100005');
    const offline = await service.getCharger('ZAP100005');
    expect(offline.ok && offline.data.profiles[0]?.state?.outcome).toBe('not-connected');
    await t.db.query(`UPDATE config_chargers SET connected = true, connected_at = clock_timestamp() WHERE charger_id = 'ZAP100005'`);
    await reconciler.request('ZAP100005');
    expect(c.profiles.has(50)).toBe(true);
  });

  it('refuses a group profile above a member reported ChargeProfileMaxStackLevel, naming the member', async () => {
    await charger('ZAP100006', { maxStack: '3' });
    await inGroup('low', ['ZAP100006']);
    const reply = await service.setGroup({ group: 'low', profiles: [txDefault(60, 16, 4)] });
    expect(reply.ok).toBe(false);
    if (reply.ok) return;
    expect(reply.status).toBe(422);
    expect(reply.body.errors).toEqual([
      expect.objectContaining({
        field: 'profiles[0].csChargingProfiles.stackLevel',
        rule: 'stackLevel.max',
        message: expect.stringContaining('member ZAP100006'),
      }),
    ]);
  });
});
