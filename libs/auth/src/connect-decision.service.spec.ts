import type { ConnectAuthRequest } from '#csms/bus';
import type { DataSource } from 'typeorm';
import { sqlOf } from '#csms/persistence';
import type { UnknownChargersPolicy } from './auth-options.js';
import { ChargerRegistryService } from './charger-registry.service.js';
import { ConnectDecisionService } from './connect-decision.service.js';
import { ConnectThrottle } from './connect-throttle.js';
import { hashPassword, verifyPassword } from './password-hash.js';
import { SecurityEventsService } from './security-events.service.js';
import { openAuthTestDatabase } from './test-support/test-database.js';
import { VerifiedCredentials } from './verified-credentials.js';

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
    new ConnectDecisionService(
      registry,
      events,
      { unknownChargers: policy },
      new ConnectThrottle({ pairMaxFailures: 3, identityMaxFailures: 6, addressMaxIdentities: 3 }, () => clock),
      undefined,
      {
        refusalEvents: { now: () => clock },
      },
    );

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

  it('an IPv4 client seen through a dual-stack socket (::ffff:a.b.c.d) is one address with its plain form', async () => {
    const s = service();
    await s.decide(ws('ZAP000001', { remoteAddress: '::ffff:10.9.9.8', basic: basic('ZAP000001', 'wrong') }));
    expect((await events.list('ZAP000001'))[0]).toMatchObject({ type: 'InvalidPassword', remoteAddress: '10.9.9.8' });
    for (let i = 0; i < 2; i++) await s.decide(ws('ZAP000001', { remoteAddress: '10.9.9.8', basic: basic('ZAP000001', 'wrong') }));
    expect(await s.decide(ws('ZAP000001', { remoteAddress: '::ffff:10.9.9.8', basic: basic('ZAP000001', 'wrong') }))).toMatchObject({ decision: 'throttled' });
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

  it('throttles after N failures per (address, charger), with exponential back-off, without checking the password', async () => {
    const s = service();
    const attempt = (password: string, remoteAddress = '10.1.1.1') => s.decide(ws('ZAP000001', { remoteAddress, basic: basic('ZAP000001', password) }));
    for (let i = 0; i < 3; i++) expect(await attempt('guess' + i)).toMatchObject({ decision: 'unauthorized' });
    // Even the right password is not looked at while this address is blocked for this charger.
    expect(await attempt('correct-horse-battery')).toEqual({ decision: 'throttled', reason: expect.any(String), retryAfterSeconds: 1 });
    // From another address that never failed for it, the right password goes through
    // (docs/reference/design-decisions.md#connect-throttling: an outsider
    // failing logins for a charger must not keep it offline).
    expect(await attempt('correct-horse-battery', '10.2.2.2')).toEqual({ decision: 'accept', chargerId: 'ZAP000001' });
    clock += 1_000;
    expect(await attempt('guess3')).toMatchObject({ decision: 'unauthorized' });
    expect(await attempt('guess4')).toMatchObject({ decision: 'throttled', retryAfterSeconds: 2 });
    clock += 2_000;
    expect(await attempt('guess5')).toMatchObject({ decision: 'unauthorized' });
    expect(await attempt('x')).toMatchObject({ decision: 'throttled', retryAfterSeconds: 4 });
    expect(s.counters.throttled).toBe(3);
    clock += 4_000;
    expect(await attempt('correct-horse-battery')).toEqual({ decision: 'accept', chargerId: 'ZAP000001' });
  });

  it('every refusal, 429 included, is a security event; repeats within a minute add to its count', async () => {
    const s = service();
    const from = '10.4.4.4';
    for (let i = 0; i < 3; i++) await s.decide(ws('ZAP000001', { remoteAddress: from, basic: basic('ZAP000001', 'nope' + i) }));
    for (let i = 0; i < 5; i++)
      expect(await s.decide(ws('ZAP000001', { remoteAddress: from, basic: basic('ZAP000001', 'x') }))).toMatchObject({ decision: 'throttled' });
    await s.refusals.flush();
    const mine = (await events.list('ZAP000001', 1000)).filter((e) => e.remoteAddress === from);
    expect(mine.map((e) => [e.type, e.count]).sort()).toEqual([
      ['ConnectThrottled', 5],
      ['InvalidPassword', 3],
    ]);
    // The next minute starts a new event (the block ran out: one more failure, then throttled again).
    clock += 60_000;
    expect(await s.decide(ws('ZAP000001', { remoteAddress: from, basic: basic('ZAP000001', 'x') }))).toMatchObject({ decision: 'unauthorized' });
    expect(await s.decide(ws('ZAP000001', { remoteAddress: from, basic: basic('ZAP000001', 'x') }))).toMatchObject({ decision: 'throttled' });
    await s.refusals.flush();
    const after = (await events.list('ZAP000001', 1000)).filter((e) => e.remoteAddress === from && e.type === 'ConnectThrottled');
    expect(after.map((e) => e.count).sort()).toEqual([1, 5]);
  });

  it('throttles an address that sprays identities, except for chargers that logged in from it', async () => {
    const s = service();
    const nat = '192.0.2.7';
    expect(await s.decide(ws('ZAP000001', { remoteAddress: nat, basic: basic('ZAP000001', 'correct-horse-battery') }))).toMatchObject({ decision: 'accept' });
    for (const id of ['A1', 'A2', 'A3']) expect(await s.decide(ws(id, { remoteAddress: nat }))).toMatchObject({ decision: 'unknown' });
    expect(await s.decide(ws('A4', { remoteAddress: nat }))).toMatchObject({ decision: 'throttled' });
    expect(await s.decide(ws('OPEN01', { remoteAddress: nat }))).toMatchObject({ decision: 'throttled' });
    expect(await s.decide(ws('ZAP000001', { remoteAddress: nat, basic: basic('ZAP000001', 'correct-horse-battery') }))).toMatchObject({ decision: 'accept' });
    // A throttled sprayer makes one event per minute for the address, not one per made-up identity.
    for (let i = 5; i < 30; i++) await s.decide(ws(`A${i}`, { remoteAddress: nat }));
    await s.refusals.flush();
    const rows = await sqlOf(db).query<{ n: string; total: string }>(
      `SELECT count(*) AS n, sum(count) AS total FROM auth_security_events WHERE type = 'ConnectThrottled' AND remote_address = $1`,
      [nat],
    );
    expect(Number(rows[0].n)).toBe(1);
    expect(Number(rows[0].total)).toBe(27);
  });

  describe('verified-credential cache (reconnect storms)', () => {
    let scryptCalls: number;
    let cache: VerifiedCredentials;
    let cacheClock: number;
    const countingVerify = (password: Uint8Array, stored: string): Promise<boolean> => {
      scryptCalls += 1;
      return verifyPassword(password, stored);
    };
    const cached = (): ConnectDecisionService =>
      new ConnectDecisionService(registry, events, { unknownChargers: 'reject' }, new ConnectThrottle({ pairMaxFailures: 100 }, () => clock), cache, {
        verifyPassword: countingVerify,
      });
    const login = (s: ConnectDecisionService, id: string, password: string) => s.decide(ws(id, { basic: basic(id, password) }));

    beforeAll(async () => {
      for (const id of ['CACHE01', 'CACHE02', 'CACHE03', 'CACHE04']) {
        expect((await registry.registerCharger({ id, securityProfile: 1, password: `pw-${id}` })).ok).toBe(true);
      }
    });
    beforeEach(() => {
      scryptCalls = 0;
      cacheClock = 5_000_000;
      cache = new VerifiedCredentials({ ttlMs: 60_000, now: () => cacheClock });
    });

    it('a second connect with the same password skips scrypt', async () => {
      const s = cached();
      expect(await login(s, 'CACHE01', 'pw-CACHE01')).toEqual({ decision: 'accept', chargerId: 'CACHE01' });
      expect(scryptCalls).toBe(1);
      expect(cache.size).toBe(1);
      // Also through another service sharing the process-wide cache.
      expect(await login(s, 'CACHE01', 'pw-CACHE01')).toEqual({ decision: 'accept', chargerId: 'CACHE01' });
      expect(await login(cached(), 'CACHE01', 'pw-CACHE01')).toEqual({ decision: 'accept', chargerId: 'CACHE01' });
      expect(scryptCalls).toBe(1);
      expect(s.counters.accepted).toBe(2);
    });

    it('a retry while the first check is still running joins it instead of starting scrypt again', async () => {
      // A cache that remembers nothing: only joining can save the second and third scrypt.
      cache = new VerifiedCredentials({ maxEntries: 0 });
      const s = cached();
      const attempts = await Promise.all([1, 2, 3].map(() => login(s, 'CACHE02', 'pw-CACHE02')));
      expect(attempts.map((a) => a.decision)).toEqual(['accept', 'accept', 'accept']);
      expect(scryptCalls).toBe(1);
      await login(s, 'CACHE02', 'pw-CACHE02'); // not running any more: a check of its own
      expect(scryptCalls).toBe(2);
      // A different password at the same time is its own check (and refused).
      scryptCalls = 0;
      const mixed = await Promise.all([login(s, 'CACHE02', 'pw-CACHE02'), login(s, 'CACHE02', 'wrong')]);
      expect(mixed.map((a) => a.decision)).toEqual(['accept', 'unauthorized']);
      expect(scryptCalls).toBe(2);
    });

    it('a charger registered on first use (its password just hashed) reconnects without scrypt', async () => {
      const s = new ConnectDecisionService(registry, events, { unknownChargers: 'accept' }, new ConnectThrottle({ pairMaxFailures: 100 }, () => clock), cache, {
        verifyPassword: countingVerify,
      });
      expect(await login(s, 'TOFU01', 'first-use-pw')).toEqual({ decision: 'accept', chargerId: 'TOFU01' });
      expect(s.counters.registered).toBe(1);
      expect(await login(s, 'TOFU01', 'first-use-pw')).toEqual({ decision: 'accept', chargerId: 'TOFU01' });
      expect(scryptCalls).toBe(0);
      expect(await login(s, 'TOFU01', 'not-the-first')).toMatchObject({ decision: 'unauthorized' });
      expect(scryptCalls).toBe(1);
    });

    it('a different password misses and is refused by scrypt, with the usual failure path', async () => {
      const s = cached();
      await login(s, 'CACHE01', 'pw-CACHE01');
      scryptCalls = 0;
      expect(await login(s, 'CACHE01', 'pw-CACHE01x')).toMatchObject({ decision: 'unauthorized', reason: 'Basic Auth password does not match' });
      expect(scryptCalls).toBe(1);
      expect(s.counters.failures.InvalidPassword).toBe(1);
      expect((await events.list('CACHE01'))[0]).toMatchObject({ type: 'InvalidPassword' });
      // The right one still hits.
      expect(await login(s, 'CACHE01', 'pw-CACHE01')).toMatchObject({ decision: 'accept' });
      expect(scryptCalls).toBe(1);
    });

    it('a changed stored hash misses and the old password is refused', async () => {
      const s = cached();
      await login(s, 'CACHE02', 'pw-CACHE02');
      // The credential changes behind the cache's back (another replica, re-registration).
      await sqlOf(db).execute(`UPDATE auth_chargers SET password_hash = $2 WHERE charger_id = $1`, ['CACHE02', await hashPassword(Buffer.from('rotated-02'))]);
      scryptCalls = 0;
      expect(await login(s, 'CACHE02', 'pw-CACHE02')).toMatchObject({ decision: 'unauthorized' });
      expect(scryptCalls).toBe(1);
      expect(await login(s, 'CACHE02', 'rotated-02')).toMatchObject({ decision: 'accept' });
      expect(await login(s, 'CACHE02', 'rotated-02')).toMatchObject({ decision: 'accept' });
      expect(scryptCalls).toBe(2);
    });

    it('an entry past its TTL is verified with scrypt again', async () => {
      const s = cached();
      await login(s, 'CACHE01', 'pw-CACHE01');
      cacheClock += 59_999;
      await login(s, 'CACHE01', 'pw-CACHE01');
      expect(scryptCalls).toBe(1);
      cacheClock += 1;
      expect(await login(s, 'CACHE01', 'pw-CACHE01')).toMatchObject({ decision: 'accept' });
      expect(scryptCalls).toBe(2);
    });

    it('evicts the least recently used charger at maxEntries', async () => {
      cache = new VerifiedCredentials({ maxEntries: 1, now: () => cacheClock });
      const s = cached();
      await login(s, 'CACHE01', 'pw-CACHE01');
      await login(s, 'CACHE03', 'pw-CACHE03');
      expect(cache.size).toBe(1);
      expect(scryptCalls).toBe(2);
      await login(s, 'CACHE03', 'pw-CACHE03');
      expect(scryptCalls).toBe(2);
      expect(await login(s, 'CACHE01', 'pw-CACHE01')).toMatchObject({ decision: 'accept' });
      expect(scryptCalls).toBe(3);
    });

    it('maxEntries 0 verifies every connect with scrypt', async () => {
      cache = new VerifiedCredentials({ maxEntries: 0 });
      const s = cached();
      for (let i = 0; i < 3; i++) expect(await login(s, 'CACHE01', 'pw-CACHE01')).toMatchObject({ decision: 'accept' });
      expect(scryptCalls).toBe(3);
    });

    it('a blocked charger is refused before the cache or scrypt is consulted', async () => {
      const s = cached();
      await login(s, 'CACHE03', 'pw-CACHE03');
      await registry.setRegistrationState('CACHE03', 'blocked');
      scryptCalls = 0;
      expect(await login(s, 'CACHE03', 'pw-CACHE03')).toMatchObject({ decision: 'unauthorized', reason: expect.stringContaining('blocked') });
      expect(scryptCalls).toBe(0);
      await registry.setRegistrationState('CACHE03', 'accepted');
    });

    it('the pending password is not cached, its promotion works and the promoted hash is cached from then on', async () => {
      const s = cached();
      await login(s, 'CACHE04', 'pw-CACHE04');
      expect(scryptCalls).toBe(1);
      const pending = await hashPassword(Buffer.from('new-key-04'));
      await sqlOf(db).execute(`UPDATE auth_chargers SET pending_password_hash = $2, rotation_state = 'accepted' WHERE charger_id = $1`, ['CACHE04', pending]);
      // During the grace period the old password still hits.
      expect(await login(s, 'CACHE04', 'pw-CACHE04')).toMatchObject({ decision: 'accept' });
      expect(scryptCalls).toBe(1);
      // The new one: a miss, scrypt against the old hash (no), then the pending one (yes): promoted, not remembered.
      expect(await login(s, 'CACHE04', 'new-key-04')).toMatchObject({ decision: 'accept' });
      expect(scryptCalls).toBe(3);
      expect(await registry.find('CACHE04')).toMatchObject({ passwordHash: pending, pendingPasswordHash: null });
      expect(cache.size).toBe(0);
      // Next connect: one scrypt against the promoted hash, then cached.
      expect(await login(s, 'CACHE04', 'new-key-04')).toMatchObject({ decision: 'accept' });
      expect(scryptCalls).toBe(4);
      expect(await login(s, 'CACHE04', 'new-key-04')).toMatchObject({ decision: 'accept' });
      expect(scryptCalls).toBe(4);
      // The old password stopped working, cache or not.
      expect(await login(s, 'CACHE04', 'pw-CACHE04')).toMatchObject({ decision: 'unauthorized' });
      expect(scryptCalls).toBe(5);
    });
  });
});
