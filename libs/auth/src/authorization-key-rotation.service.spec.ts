import { InProcessBus, subjects, type CommandReply, type CommandRequest, type Subscription } from '#csms/bus';
import type { DataSource } from 'typeorm';
import { AuthorizationKeyRotationService, generateAuthorizationKey } from './authorization-key-rotation.service.js';
import { BusChargerCommands } from './charger-commands.js';
import { ChargerRegistryService } from './charger-registry.service.js';
import { ConnectDecisionService } from './connect-decision.service.js';
import { ConnectThrottle } from './connect-throttle.js';
import { SecurityEventsService } from './security-events.service.js';
import { openAuthTestDatabase } from './test-support/test-database.js';

/**
 * A charger double on the real in-process bus: it answers ChangeConfiguration(AuthorizationKey) and applies
 * the key the way the Zaptec guide (1.5) describes: decoding on, hex-decode and refuse CTL bytes; off, the text.
 */
class ChargerDouble {
  password?: Buffer;
  seenKeys: string[] = [];
  private sub?: Subscription;
  constructor(
    private readonly bus: InProcessBus,
    readonly id: string,
    private readonly withoutDecoding: boolean,
    readonly answer?: CommandReply,
  ) {}

  async plugIn(): Promise<this> {
    this.sub = await this.bus.serve<CommandRequest<{ key: string; value: string }>, CommandReply>(subjects.command(this.id), async (req) => {
      this.seenKeys.push(req.payload.value);
      if (this.answer) return this.answer;
      const key = req.payload.value;
      const bytes = this.withoutDecoding ? Buffer.from(key, 'utf8') : Buffer.from(key, 'hex');
      const bad = !this.withoutDecoding && (!/^([0-9a-f]{2})+$/i.test(key) || [...bytes].some((b) => b < 0x20 || b === 0x7f));
      if (bad) return { status: 'ok', result: { status: 'Rejected' } };
      this.password = bytes;
      return { status: 'ok', result: { status: 'Accepted' } };
    });
    return this;
  }

  async unplug(): Promise<void> {
    await this.sub?.unsubscribe();
  }
}

describe('AuthorizationKeyRotationService', () => {
  let db: DataSource;
  let close: () => Promise<void>;
  let bus: InProcessBus;
  let registry: ChargerRegistryService;
  let rotations: AuthorizationKeyRotationService;
  let connect: ConnectDecisionService;

  const login = (id: string, password: string | Buffer) =>
    connect.decide({ chargerId: id, remoteAddress: '10.0.0.1', tls: false, basic: { username: id, passwordBase64: Buffer.from(password).toString('base64') } });

  beforeAll(async () => {
    ({ db, close } = await openAuthTestDatabase());
    bus = await InProcessBus.open();
    registry = new ChargerRegistryService(db);
    rotations = new AuthorizationKeyRotationService(db, registry, new BusChargerCommands(bus), { rotationTimeoutMs: 1_000 });
    // A generous limit: these tests are about passwords, not about the slow-down.
    connect = new ConnectDecisionService(
      registry,
      new SecurityEventsService(db),
      { unknownChargers: 'reject' },
      new ConnectThrottle({ pairMaxFailures: 1_000 }),
    );
  }, 60_000);
  afterAll(async () => {
    await bus.close();
    await close();
  });

  it('decoding on: the decoded bytes become the password; the old one works until the charger reconnects with the new one', async () => {
    await registry.registerCharger({ id: 'ROT-DEC', securityProfile: 1, password: 'old-password-dec', useAuthorizationKeyWithoutDecoding: false });
    const charger = await new ChargerDouble(bus, 'ROT-DEC', false).plugIn();
    const key = Buffer.from('new-key-printable!!!').toString('hex'); // 20 bytes, no CTL
    const { reply, done } = await rotations.start('ROT-DEC', key);
    expect(reply).toMatchObject({ ok: true, data: { state: 'sending', withoutDecoding: false } });
    expect(reply.ok && reply.data.generatedKey).toBeFalsy();
    // The operator chose this key: scrypt, since a chosen key may be guessable.
    expect((await registry.find('ROT-DEC'))?.pendingPasswordHash).toMatch(/^scrypt\$/);
    await done;
    expect(await rotations.status('ROT-DEC')).toMatchObject({ ok: true, data: { state: 'accepted', outcome: 'Accepted', newPasswordPending: true } });
    expect(await registry.find('ROT-DEC')).toMatchObject({ authorizationKeySetBefore: true });
    // Grace period: both work...
    expect(await login('ROT-DEC', 'old-password-dec')).toMatchObject({ decision: 'accept' });
    // ...the hex text is not the password in this mode...
    expect(await login('ROT-DEC', key)).toMatchObject({ decision: 'unauthorized' });
    // ...until the charger reconnects with the new one.
    expect(await login('ROT-DEC', charger.password!)).toMatchObject({ decision: 'accept' });
    expect(await login('ROT-DEC', 'old-password-dec')).toMatchObject({ decision: 'unauthorized' });
    expect(await rotations.status('ROT-DEC')).toMatchObject({
      ok: true,
      data: { state: 'accepted', newPasswordPending: false, completedAt: expect.any(String) },
    });
    await charger.unplug();
  });

  it('decoding on: refuses the OCPP-J example key (decodes to control characters) with 422, sending nothing', async () => {
    await registry.registerCharger({ id: 'AL1000', securityProfile: 1, password: 'al1000-password', useAuthorizationKeyWithoutDecoding: false });
    const charger = await new ChargerDouble(bus, 'AL1000', false).plugIn();
    const { reply } = await rotations.start('AL1000', '0001020304050607FFFFFFFFFFFFFFFFFFFFFFFF');
    expect(reply).toMatchObject({ ok: false, status: 422, body: { errors: [{ field: 'key', rule: 'authorizationKey.control' }] } });
    expect(charger.seenKeys).toEqual([]);
    await charger.unplug();
  });

  it('decoding off: a generated key is returned once and its text is the password', async () => {
    await registry.registerCharger({ id: 'ROT-TXT', securityProfile: 2, password: 'old-password-txt', useAuthorizationKeyWithoutDecoding: true });
    const charger = await new ChargerDouble(bus, 'ROT-TXT', true).plugIn();
    const { reply, done } = await rotations.start('ROT-TXT');
    await done;
    const generated = reply.ok ? reply.data.generatedKey : undefined;
    expect(generated).toMatch(/^[0-9A-F]{40}$/);
    expect(charger.seenKeys).toEqual([generated]);
    // A key the CSMS generated holds 160 random bits: a keyed hash, not scrypt (credential-hasher.ts).
    expect((await registry.find('ROT-TXT'))?.pendingPasswordHash).toMatch(/^hmac-sha256\$/);
    const status = await rotations.status('ROT-TXT');
    expect(JSON.stringify(status)).not.toContain(generated!);
    const tls = (password: string) =>
      connect.decide({
        chargerId: 'ROT-TXT',
        remoteAddress: '10.0.0.1',
        tls: true,
        basic: { username: 'ROT-TXT', passwordBase64: Buffer.from(password).toString('base64') },
      });
    expect(await tls(generated!)).toMatchObject({ decision: 'accept' });
    expect(await tls('old-password-txt')).toMatchObject({ decision: 'unauthorized' });
    await charger.unplug();
  });

  it('unknown mode follows the Zaptec default: decoding for the first key, text afterwards', async () => {
    await registry.registerCharger({ id: 'ROT-DEFAULT', securityProfile: 0 });
    const charger = await new ChargerDouble(bus, 'ROT-DEFAULT', false).plugIn();
    const first = await rotations.start('ROT-DEFAULT');
    await first.done;
    expect(first.reply).toMatchObject({ ok: true, data: { withoutDecoding: false } });
    expect(await rotations.status('ROT-DEFAULT')).toMatchObject({ ok: true, data: { state: 'accepted' } });
    await rotations.abandon('ROT-DEFAULT'); // ends the grace period: the accepted key stays
    const second = await rotations.start('ROT-DEFAULT');
    expect(second.reply).toMatchObject({ ok: true, data: { withoutDecoding: true } });
    await second.done;
    await charger.unplug();
  });

  it.each([
    ['Rejected', { status: 'ok', result: { status: 'Rejected' } }, 'rejected'],
    ['NotSupported', { status: 'ok', result: { status: 'NotSupported' } }, 'not-supported'],
    ['a CALLERROR', { status: 'callerror', code: 'InternalError', description: 'boom', details: {} }, 'rejected'],
  ] as const)('%s: the old password stays, the new one is dropped', async (name, answer, state) => {
    const id = `ROT-${name.replace(/\W/g, '')}`;
    await registry.registerCharger({ id, securityProfile: 1, password: 'kept-password-xx', useAuthorizationKeyWithoutDecoding: true });
    const charger = await new ChargerDouble(bus, id, true, answer as CommandReply).plugIn();
    const { reply, done } = await rotations.start(id);
    await done;
    expect(await rotations.status(id)).toMatchObject({ ok: true, data: { state, newPasswordPending: false } });
    expect(await login(id, 'kept-password-xx')).toMatchObject({ decision: 'accept' });
    expect(await login(id, reply.ok ? reply.data.generatedKey! : '')).toMatchObject({ decision: 'unauthorized' });
    await charger.unplug();
  });

  it('not connected: recorded as abandoned, old password stays', async () => {
    await registry.registerCharger({ id: 'ROT-OFFLINE', securityProfile: 1, password: 'offline-password', useAuthorizationKeyWithoutDecoding: true });
    const { done } = await rotations.start('ROT-OFFLINE');
    await done;
    expect(await rotations.status('ROT-OFFLINE')).toMatchObject({
      ok: true,
      data: { state: 'abandoned', outcome: 'not-connected', newPasswordPending: false },
    });
    expect(await login('ROT-OFFLINE', 'offline-password')).toMatchObject({ decision: 'accept' });
  });

  it('timeout: both passwords stay valid until the charger reconnects or the operator abandons', async () => {
    await registry.registerCharger({ id: 'ROT-SLOW', securityProfile: 1, password: 'slow-password-xx', useAuthorizationKeyWithoutDecoding: true });
    const charger = await new ChargerDouble(bus, 'ROT-SLOW', true, { status: 'timeout' }).plugIn();
    const { reply, done } = await rotations.start('ROT-SLOW');
    await done;
    const key = reply.ok ? reply.data.generatedKey! : '';
    expect(await rotations.status('ROT-SLOW')).toMatchObject({ ok: true, data: { state: 'timeout', newPasswordPending: true } });
    expect(await login('ROT-SLOW', 'slow-password-xx')).toMatchObject({ decision: 'accept' });
    expect(await rotations.abandon('ROT-SLOW')).toMatchObject({ ok: true, data: { state: 'abandoned', newPasswordPending: false } });
    expect(await login('ROT-SLOW', key)).toMatchObject({ decision: 'unauthorized' });
    expect(await login('ROT-SLOW', 'slow-password-xx')).toMatchObject({ decision: 'accept' });
    await charger.unplug();
  });

  it('refuses a second rotation while one is being sent, and 404 for an unknown charger', async () => {
    await registry.registerCharger({ id: 'ROT-BUSY', securityProfile: 1, password: 'busy-password-xx', useAuthorizationKeyWithoutDecoding: true });
    let release!: (r: CommandReply) => void;
    const held = new AuthorizationKeyRotationService(db, registry, { send: () => new Promise<CommandReply>((r) => (release = r)) });
    const first = await held.start('ROT-BUSY');
    expect((await held.start('ROT-BUSY')).reply).toMatchObject({ ok: false, status: 409 });
    release({ status: 'ok', result: { status: 'Rejected' } });
    await first.done;
    expect((await rotations.start('NOPE')).reply).toMatchObject({ ok: false, status: 404 });
  });

  it('generates keys valid in their mode', () => {
    for (let i = 0; i < 50; i++) {
      const dec = Buffer.from(generateAuthorizationKey(false), 'hex');
      expect(dec).toHaveLength(20);
      expect([...dec].every((b) => b >= 0x21 && b <= 0x7e)).toBe(true);
      expect(generateAuthorizationKey(true)).toMatch(/^[0-9A-F]{40}$/);
    }
  });
});
