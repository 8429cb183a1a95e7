import type { DataSource } from 'typeorm';
import { sqlOf } from '#csms/persistence';
import { ChargerRegistryService } from './charger-registry.service.js';
import { ConnectDecisionService } from './connect-decision.service.js';
import { ConnectThrottle } from './connect-throttle.js';
import { ProvisionalChargerSweeper } from './provisional-chargers.js';
import { SecurityEventsService } from './security-events.service.js';
import { openAuthTestDatabase } from './test-support/test-database.js';

/**
 * docs/reference/design-decisions.md#provisional-chargers: a socket that connects under UNKNOWN_CHARGERS=accept and
 * never boots leaves no permanent record.
 */
describe('provisional chargers', () => {
  let db: DataSource;
  let close: () => Promise<void>;
  let registry: ChargerRegistryService;
  let connect: ConnectDecisionService;
  const age = (id: string, seconds: number) =>
    sqlOf(db).execute(`UPDATE auth_chargers SET created_at = now() - make_interval(secs => $2) WHERE charger_id = $1`, [id, seconds]);

  beforeAll(async () => {
    ({ db, close } = await openAuthTestDatabase());
    registry = new ChargerRegistryService(db);
    connect = new ConnectDecisionService(registry, new SecurityEventsService(db), { unknownChargers: 'accept' }, new ConnectThrottle());
  }, 60_000);
  afterAll(() => close());

  it('a first connect registers a provisional record; the first BootNotification makes it permanent', async () => {
    for (const id of ['SILENT-1', 'BOOTS-1'])
      expect(await connect.decide({ chargerId: id, remoteAddress: '10.0.0.9', tls: false })).toMatchObject({ decision: 'accept' });
    expect(await registry.find('SILENT-1')).toMatchObject({ provisional: true });
    // config-manager asks api.auth.registration when (and only when) the charger boots.
    expect(await registry.registration('BOOTS-1', 'accept', true)).toEqual({ state: 'accepted', securityProfile: 0, known: true });
    expect(await registry.find('BOOTS-1')).toMatchObject({ provisional: false });
    // Asking without a boot (the operator's view after PATCH) confirms nothing.
    await registry.registration('SILENT-1', 'accept');
    expect(await registry.find('SILENT-1')).toMatchObject({ provisional: true });
  });

  it('the sweeper removes provisional records past their time, and nothing else', async () => {
    await registry.registerCharger({ id: 'OPERATOR-1', securityProfile: 0 });
    for (const id of ['SILENT-1', 'BOOTS-1', 'OPERATOR-1']) await age(id, 7_200);
    await connect.decide({ chargerId: 'SILENT-2', remoteAddress: '10.0.0.9', tls: false });
    const sweeper = new ProvisionalChargerSweeper(registry, { unknownChargers: 'accept', provisionalChargerTtlS: 3_600 });
    expect(await sweeper.sweep()).toEqual(['SILENT-1']);
    expect(await registry.find('SILENT-1')).toBeUndefined();
    for (const id of ['BOOTS-1', 'OPERATOR-1', 'SILENT-2']) expect(await registry.find(id)).toBeDefined();
  });

  it("the operator's registration takes over a provisional record (its first-use password is dropped)", async () => {
    await connect.decide({
      chargerId: 'SQUAT-1',
      remoteAddress: '10.6.6.6',
      tls: false,
      basic: { username: 'SQUAT-1', passwordBase64: Buffer.from('squatter-pw').toString('base64') },
    });
    expect(await registry.find('SQUAT-1')).toMatchObject({ provisional: true, securityProfile: 1 });
    const reply = await registry.registerCharger({ id: 'SQUAT-1', securityProfile: 1, password: 'the-real-password' });
    expect(reply).toMatchObject({ ok: true });
    expect(await registry.find('SQUAT-1')).toMatchObject({ provisional: false });
    const login = (pw: string) =>
      connect.decide({
        chargerId: 'SQUAT-1',
        remoteAddress: '10.0.0.1',
        tls: false,
        basic: { username: 'SQUAT-1', passwordBase64: Buffer.from(pw).toString('base64') },
      });
    expect(await login('the-real-password')).toMatchObject({ decision: 'accept' });
    expect(await login('squatter-pw')).toMatchObject({ decision: 'unauthorized' });
    // A confirmed record is not taken over: 409 as before.
    expect(await registry.registerCharger({ id: 'SQUAT-1', securityProfile: 1 })).toMatchObject({ ok: false, status: 409 });
  });

  it('an operator deciding its registration state confirms it', async () => {
    await connect.decide({ chargerId: 'PENDING-1', remoteAddress: '10.0.0.9', tls: false });
    await registry.setRegistrationState('PENDING-1', 'accepted');
    expect(await registry.find('PENDING-1')).toMatchObject({ provisional: false });
  });
});
