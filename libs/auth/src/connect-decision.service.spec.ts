import type { ConnectAuthRequest } from '#csms/bus';
import type { DataSource } from 'typeorm';
import type { UnknownChargersPolicy } from './auth-options.js';
import { ChargerRegistryService } from './charger-registry.service.js';
import { ConnectDecisionService } from './connect-decision.service.js';
import { ConnectThrottle } from './connect-throttle.js';
import { SecurityEventsService } from './security-events.service.js';
import { openAuthTestDatabase } from './test-support/test-database.js';

const b64 = (s: string | Buffer): string => Buffer.from(s).toString('base64');
const basic = (username: string, password: string | Buffer): ConnectAuthRequest['basic'] => ({ username, passwordBase64: b64(password) });
const ws = (chargerId: string, extra: Partial<ConnectAuthRequest> = {}): ConnectAuthRequest => ({ chargerId, remoteAddress: '10.0.0.1', tls: false, ...extra });

describe('ConnectDecisionService', () => {
  let db: DataSource;
  let close: () => Promise<void>;
  let registry: ChargerRegistryService;
  let events: SecurityEventsService;
  let clock: number;

  const service = (policy: UnknownChargersPolicy = 'reject'): ConnectDecisionService =>
    new ConnectDecisionService(registry, events, policy, new ConnectThrottle({ maxFailures: 3 }, () => clock));

  beforeAll(async () => {
    ({ db, close } = await openAuthTestDatabase());
    registry = new ChargerRegistryService(db);
    events = new SecurityEventsService(db);
    const reply = await registry.registerCharger({ id: 'ZAP000001', securityProfile: 1, password: 'correct-horse-battery' });
    expect(reply.ok).toBe(true);
    await registry.registerCharger({ id: 'ZAP000002', securityProfile: 2, password: 'tls-password-0002' });
    await registry.registerCharger({ id: 'ZAP000003', securityProfile: 3 });
    await registry.registerCharger({ id: 'OPEN01', securityProfile: 0 });
  }, 60_000);
  afterAll(() => close());
  beforeEach(() => {
    clock = 1_000_000;
  });

  it('accepts the right password (profile 1)', async () => {
    const reply = await service().decide(ws('ZAP000001', { basic: basic('ZAP000001', 'correct-horse-battery') }));
    expect(reply).toEqual({ decision: 'accept', chargerId: 'ZAP000001' });
  });

  it('refuses a wrong password and writes a security event with the remote address', async () => {
    const s = service();
    const reply = await s.decide(ws('ZAP000001', { remoteAddress: '10.9.9.9', basic: basic('ZAP000001', 'wrong') }));
    expect(reply).toMatchObject({ decision: 'unauthorized' });
    expect(s.counters.failures.InvalidPassword).toBe(1);
    const list = await events.list('ZAP000001');
    expect(list[0]).toMatchObject({ type: 'InvalidPassword', remoteAddress: '10.9.9.9', source: 'csms' });
  });

  it('refuses a wrong username even with the right password', async () => {
    const reply = await service().decide(ws('ZAP000001', { basic: basic('ZAP000009', 'correct-horse-battery') }));
    expect(reply).toMatchObject({ decision: 'unauthorized', reason: expect.stringContaining('username') });
  });

  it('refuses a profile-1 charger without the Basic Auth header (presented profile 0)', async () => {
    const reply = await service().decide(ws('ZAP000001'));
    expect(reply).toMatchObject({ decision: 'unauthorized', reason: expect.stringContaining('security profile 1, connected with 0') });
  });

  it('refuses a lower profile: the profile-2 charger over plain ws with the right password', async () => {
    const reply = await service().decide(ws('ZAP000002', { basic: basic('ZAP000002', 'tls-password-0002') }));
    expect(reply).toMatchObject({ decision: 'unauthorized', reason: expect.stringContaining('profile 2, connected with 1') });
    const ok = await service().decide(ws('ZAP000002', { tls: true, basic: basic('ZAP000002', 'tls-password-0002') }));
    expect(ok).toEqual({ decision: 'accept', chargerId: 'ZAP000002' });
  });

  it('profile 3 needs a client certificate naming the charger', async () => {
    expect(await service().decide(ws('ZAP000003', { tls: true, clientCertificateCN: 'ZAP000003' }))).toEqual({ decision: 'accept', chargerId: 'ZAP000003' });
    expect(await service().decide(ws('ZAP000003', { tls: true, clientCertificateCN: 'ZAP000004' }))).toMatchObject({ decision: 'unauthorized' });
    expect(await service().decide(ws('ZAP000003', { tls: true, basic: basic('ZAP000003', 'x') }))).toMatchObject({ decision: 'unauthorized' });
  });

  it('profile 0 connects without credentials and is refused with them', async () => {
    expect(await service().decide(ws('OPEN01'))).toEqual({ decision: 'accept', chargerId: 'OPEN01' });
    expect(await service().decide(ws('OPEN01', { basic: basic('OPEN01', 'whatever-password') }))).toMatchObject({ decision: 'unauthorized' });
  });

  it('treats the legacy lowercase zap identity and username as the same charger', async () => {
    const reply = await service().decide(ws('zap000001', { basic: basic('zap000001', 'correct-horse-battery') }));
    expect(reply).toEqual({ decision: 'accept', chargerId: 'ZAP000001' });
    const mixed = await service().decide(ws('ZAP000001', { basic: basic('zap000001', 'correct-horse-battery') }));
    expect(mixed).toEqual({ decision: 'accept', chargerId: 'ZAP000001' });
  });

  describe('unknown chargers', () => {
    it('reject: answers unknown and registers nothing', async () => {
      const reply = await service('reject').decide(ws('NEW-REJECT'));
      expect(reply).toMatchObject({ decision: 'unknown' });
      expect(await registry.find('NEW-REJECT')).toBeUndefined();
    });

    it('accept: registers with the profile it connected with and its password (first use)', async () => {
      const reply = await service('accept').decide(ws('NEW-ACCEPT', { basic: basic('NEW-ACCEPT', 'first-use-password') }));
      expect(reply).toEqual({ decision: 'accept', chargerId: 'NEW-ACCEPT' });
      expect(await registry.find('NEW-ACCEPT')).toMatchObject({ securityProfile: 1, registrationState: 'accepted' });
      expect(await service('accept').decide(ws('NEW-ACCEPT', { basic: basic('NEW-ACCEPT', 'another-password') }))).toMatchObject({ decision: 'unauthorized' });
      expect(await service('accept').decide(ws('NEW-ACCEPT', { basic: basic('NEW-ACCEPT', 'first-use-password') }))).toMatchObject({ decision: 'accept' });
    });

    it('accept without credentials: profile 0, no password', async () => {
      expect(await service('accept').decide(ws('zapnew01'))).toEqual({ decision: 'accept', chargerId: 'ZAPnew01' });
      expect(await registry.find('ZAPnew01')).toMatchObject({ securityProfile: 0, passwordHash: null });
    });

    it('pending: registers as pending and accepts the socket', async () => {
      expect(await service('pending').decide(ws('NEW-PENDING'))).toEqual({ decision: 'accept', chargerId: 'NEW-PENDING' });
      expect(await registry.registration('NEW-PENDING', 'pending')).toEqual({ state: 'pending', securityProfile: 0, known: true });
    });
  });

  it('refuses a blocked charger', async () => {
    await registry.registerCharger({ id: 'BLOCKME', securityProfile: 0 });
    await registry.setRegistrationState('BLOCKME', 'blocked');
    expect(await service().decide(ws('BLOCKME'))).toMatchObject({ decision: 'unauthorized', reason: expect.stringContaining('blocked') });
  });

  it('throttles after N failures per identity, with exponential back-off, without checking the password', async () => {
    const s = service();
    const attempt = (password: string, remoteAddress = '10.1.1.1') =>
      s.decide(ws('ZAP000001', { remoteAddress, basic: basic('ZAP000001', password) }));
    for (let i = 0; i < 3; i++) expect(await attempt('guess' + i)).toMatchObject({ decision: 'unauthorized' });
    // Even the right password is not looked at while blocked.
    expect(await attempt('correct-horse-battery', '10.2.2.2')).toEqual({ decision: 'throttled', reason: expect.any(String), retryAfterSeconds: 1 });
    clock += 1_000;
    expect(await attempt('guess3')).toMatchObject({ decision: 'unauthorized' });
    expect(await attempt('guess4')).toMatchObject({ decision: 'throttled', retryAfterSeconds: 2 });
    clock += 2_000;
    expect(await attempt('guess5')).toMatchObject({ decision: 'unauthorized' });
    expect(await attempt('x')).toMatchObject({ decision: 'throttled', retryAfterSeconds: 4 });
    expect(s.counters.throttled).toBe(3);
    clock += 4_000;
    expect(await attempt('correct-horse-battery', '10.3.3.3')).toEqual({ decision: 'accept', chargerId: 'ZAP000001' });
  });

  it('throttles per remote address across identities', async () => {
    const s = service();
    for (const id of ['A1', 'A2', 'A3']) expect(await s.decide(ws(id, { remoteAddress: '192.0.2.7' }))).toMatchObject({ decision: 'unknown' });
    expect(await s.decide(ws('ZAP000001', { remoteAddress: '192.0.2.7', basic: basic('ZAP000001', 'correct-horse-battery') }))).toMatchObject({
      decision: 'throttled',
    });
  });
});
