import { InProcessBus, subjects, type CommandReply, type CommandRequest, type Subscription } from '#csms/bus';
import type { SendLocalListRequest } from '#csms/ocpp';
import type { DataSource } from 'typeorm';
import { BusChargerCommands } from './charger-commands.js';
import { ChargerRegistryService } from './charger-registry.service.js';
import { IdTagsService } from './id-tags.service.js';
import { LocalAuthListService } from './local-auth-list.service.js';
import { LocalAuthListStore } from './local-auth-list.store.js';
import { openAuthTestDatabase } from './test-support/test-database.js';

/** A charger double on the real in-process bus keeping a local list the way OCPP 1.6 §5.15 / §5.10 describe. */
class ListCharger {
  list = new Map<string, unknown>();
  version = 0;
  received: SendLocalListRequest[] = [];
  /** Keys answered to GetConfiguration. */
  config: Record<string, string> = {};
  supported = true;
  private sub?: Subscription;
  constructor(
    private readonly bus: InProcessBus,
    readonly id: string,
  ) {}

  async plugIn(): Promise<this> {
    this.sub = await this.bus.serve<CommandRequest, CommandReply>(subjects.command(this.id), async (req) => {
      if (req.action === 'GetConfiguration') {
        const wanted = (req.payload as { key: string[] }).key;
        return {
          status: 'ok',
          result: {
            configurationKey: wanted.filter((k) => k in this.config).map((k) => ({ key: k, readonly: true, value: this.config[k] })),
            unknownKey: wanted.filter((k) => !(k in this.config)),
          },
        };
      }
      if (req.action === 'GetLocalListVersion') return { status: 'ok', result: { listVersion: this.supported ? this.version : -1 } };
      if (req.action !== 'SendLocalList') return { status: 'callerror', code: 'NotImplemented', description: req.action, details: {} };
      const p = req.payload as SendLocalListRequest;
      this.received.push(p);
      if (!this.supported) return { status: 'ok', result: { status: 'NotSupported' } };
      if (p.updateType === 'Differential' && p.listVersion <= this.version) return { status: 'ok', result: { status: 'VersionMismatch' } };
      if (p.updateType === 'Full') this.list.clear();
      for (const e of p.localAuthorizationList ?? []) {
        if (e.idTagInfo) this.list.set(e.idTag, e.idTagInfo);
        else this.list.delete(e.idTag);
      }
      this.version = p.listVersion;
      return { status: 'ok', result: { status: 'Accepted' } };
    });
    return this;
  }

  async unplug(): Promise<void> {
    await this.sub?.unsubscribe();
  }
}

describe('LocalAuthListService', () => {
  let db: DataSource;
  let close: () => Promise<void>;
  let bus: InProcessBus;
  let registry: ChargerRegistryService;
  let idTags: IdTagsService;
  let lists: LocalAuthListService;

  beforeAll(async () => {
    ({ db, close } = await openAuthTestDatabase());
    bus = await InProcessBus.open();
    registry = new ChargerRegistryService(db);
    idTags = new IdTagsService(db, registry);
    lists = new LocalAuthListService(new LocalAuthListStore(db), new BusChargerCommands(bus), { localListTimeoutMs: 1_000 });
  }, 60_000);
  afterAll(async () => {
    await bus.close();
    await close();
  });

  const register = (id: string) => registry.register({ chargerId: id, securityProfile: 0, registrationState: 'accepted' });
  const tag = async (idTag: string, group: string | null, status: 'Accepted' | 'Blocked' = 'Accepted') => {
    const before = await idTags.find(idTag);
    const after = before ? await idTags.replace(idTag, { status, group }) : await idTags.create(idTag, { status, group });
    await lists.tagChanged(before, after);
  };

  it('sends the group as a Full list, then one Differential per tag change, removals without idTagInfo', async () => {
    await register('LL-1');
    const charger = await new ListCharger(bus, 'LL-1').plugIn();
    await idTags.create('A1', { status: 'Accepted', group: 'site-a', expiryDate: '2040-01-01T00:00:00.000Z' });
    await idTags.create('A2', { status: 'Blocked', group: 'site-a' });
    await idTags.create('B1', { status: 'Accepted', group: 'site-b' });
    expect(await lists.setGroup('LL-1', 'site-a')).toBe(true);
    await lists.syncFull('LL-1');
    expect(charger.received[0]).toEqual({
      listVersion: 1,
      updateType: 'Full',
      localAuthorizationList: [
        { idTag: 'A1', idTagInfo: { status: 'Accepted', expiryDate: '2040-01-01T00:00:00.000Z' } },
        { idTag: 'A2', idTagInfo: { status: 'Blocked' } },
      ],
    });
    await tag('A3', 'site-a');
    expect(charger.received[1]).toEqual({
      listVersion: 2,
      updateType: 'Differential',
      localAuthorizationList: [{ idTag: 'A3', idTagInfo: { status: 'Accepted' } }],
    });
    await tag('B2', 'site-b'); // another group: nothing for LL-1
    await tag('A1', 'site-b'); // moved away: removed from site-a's chargers
    expect(charger.received[2]).toEqual({ listVersion: 3, updateType: 'Differential', localAuthorizationList: [{ idTag: 'A1' }] });
    const before = await idTags.find('A2');
    await idTags.remove('A2');
    await lists.tagChanged(before, undefined);
    expect(charger.received).toHaveLength(4);
    expect([...charger.list.keys()]).toEqual(['A3']);
    expect(await lists.view('LL-1')).toMatchObject({ group: 'site-a', listVersion: 4, outcome: 'Accepted', updatedAt: expect.any(String) });
    await charger.unplug();
  });

  it('a change while disconnected is recorded as not-connected and made good by a Full update at the next connect', async () => {
    await register('LL-2');
    const charger = await new ListCharger(bus, 'LL-2').plugIn();
    await lists.setGroup('LL-2', 'site-c');
    await tag('C1', 'site-c');
    expect(charger.received.map((r) => r.updateType)).toEqual(['Full']);
    await lists.onConnected('LL-2'); // versions agree: nothing sent
    expect(charger.received).toHaveLength(1);
    await charger.unplug();
    await tag('C2', 'site-c');
    expect(await lists.view('LL-2')).toMatchObject({ outcome: 'not-connected', listVersion: 1 });
    await charger.plugIn();
    await lists.onConnected('LL-2');
    expect(charger.received[1]).toMatchObject({ updateType: 'Full', listVersion: 2 });
    expect([...charger.list.keys()]).toEqual(['C1', 'C2']);
    // The charger lost its list (factory reset): its version differs, so a Full update follows.
    charger.version = 0;
    charger.list.clear();
    await lists.onConnected('LL-2');
    expect(charger.received[2]).toMatchObject({ updateType: 'Full', listVersion: 3 });
    expect(await lists.view('LL-2')).toMatchObject({ outcome: 'Accepted', listVersion: 3 });
    await charger.unplug();
  });

  it('splits a Full list by SendLocalListMaxLength (default 20) into Full + Differential chunks, and refuses a group over LocalAuthListMaxLength', async () => {
    await register('LL-3');
    const charger = await new ListCharger(bus, 'LL-3').plugIn();
    for (let i = 0; i < 45; i++) await idTags.create(`D${String(i).padStart(2, '0')}`, { status: 'Accepted', group: 'site-d' });
    await lists.setGroup('LL-3', 'site-d');
    await lists.syncFull('LL-3');
    expect(charger.received.map((r) => [r.updateType, r.listVersion, r.localAuthorizationList?.length])).toEqual([
      ['Full', 1, 20],
      ['Differential', 2, 20],
      ['Differential', 3, 5],
    ]);
    expect(charger.list.size).toBe(45);
    // Reported limits (config-manager's GetConfiguration, or auth's own question at connect).
    expect(await registry.setReportedConfiguration('LL-3', { SendLocalListMaxLength: '30', LocalAuthListMaxLength: '40' })).toBe(true);
    await lists.syncFull('LL-3');
    expect(charger.received).toHaveLength(3);
    expect(await lists.view('LL-3')).toMatchObject({ outcome: 'TooManyTags', listVersion: 3, localAuthListMaxLength: 40, sendLocalListMaxLength: 30 });
    expect((await lists.view('LL-3'))?.detail).toMatch(/45 idTags, more than .*LocalAuthListMaxLength 40/);
    await registry.setReportedConfiguration('LL-3', { LocalAuthListMaxLength: '100' });
    await lists.syncFull('LL-3');
    expect(charger.received.slice(3).map((r) => [r.updateType, r.localAuthorizationList?.length])).toEqual([
      ['Full', 30],
      ['Differential', 15],
    ]);
    await charger.unplug();
  });

  it('asks the limits at connect when unknown, records NotSupported, clears the list when the group is removed', async () => {
    await register('LL-4');
    const charger = await new ListCharger(bus, 'LL-4').plugIn();
    charger.config = { SendLocalListMaxLength: '1', LocalAuthListMaxLength: '10' };
    await idTags.create('E1', { status: 'Accepted', group: 'site-e' });
    await idTags.create('E2', { status: 'Accepted', group: 'site-e' });
    await lists.setGroup('LL-4', 'site-e');
    await lists.onConnected('LL-4');
    expect(charger.received.map((r) => [r.updateType, r.localAuthorizationList?.length])).toEqual([
      ['Full', 1],
      ['Differential', 1],
    ]);
    expect(await lists.view('LL-4')).toMatchObject({ sendLocalListMaxLength: 1, localAuthListMaxLength: 10, listVersion: 2, outcome: 'Accepted' });
    await lists.setGroup('LL-4', null);
    await lists.syncFull('LL-4');
    expect(charger.received[2]).toEqual({ listVersion: 3, updateType: 'Full', localAuthorizationList: [] });
    expect(charger.list.size).toBe(0);
    charger.supported = false;
    await lists.onConnected('LL-4');
    expect(await lists.view('LL-4')).toMatchObject({ outcome: 'NotSupported' });
    // A charger never in a group and never sent a list is not asked anything.
    await register('LL-5');
    const other = await new ListCharger(bus, 'LL-5').plugIn();
    await lists.onConnected('LL-5');
    expect(other.received).toHaveLength(0);
    expect(await lists.view('LL-5')).toMatchObject({ outcome: null, listVersion: 0 });
    await charger.unplug();
    await other.unplug();
  });

  it('a Differential answered VersionMismatch is replaced by a Full update', async () => {
    await register('LL-6');
    const charger = await new ListCharger(bus, 'LL-6').plugIn();
    await lists.setGroup('LL-6', 'site-f');
    await tag('F1', 'site-f');
    charger.version = 50; // someone else sent a newer list
    await tag('F2', 'site-f');
    expect(charger.received.slice(1).map((r) => [r.updateType, r.listVersion])).toEqual([
      ['Differential', 2],
      ['Full', 2],
    ]);
    expect(await lists.view('LL-6')).toMatchObject({ outcome: 'Accepted', listVersion: 2 });
    expect([...charger.list.keys()]).toEqual(['F1', 'F2']);
    await charger.unplug();
  });
});
