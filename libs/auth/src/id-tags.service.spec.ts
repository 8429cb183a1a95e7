import type { DataSource } from 'typeorm';
import { ChargerRegistryService } from './charger-registry.service.js';
import { IdTagsService } from './id-tags.service.js';
import { SecurityEventsService } from './security-events.service.js';
import { openAuthTestDatabase } from './test-support/test-database.js';

describe('IdTagsService, free charging, registration and security events', () => {
  let db: DataSource;
  let close: () => Promise<void>;
  let registry: ChargerRegistryService;
  let idTags: IdTagsService;
  const now = new Date('2030-06-01T12:00:00.000Z');

  beforeAll(async () => {
    ({ db, close } = await openAuthTestDatabase());
    registry = new ChargerRegistryService(db);
    idTags = new IdTagsService(db, registry, () => now);
    await idTags.create('GOOD', { status: 'Accepted', parentIdTag: 'FLEET', group: 'g1' });
    await idTags.create('OLD', { status: 'Accepted', expiryDate: '2030-06-01T11:59:59.000Z' });
    await idTags.create('LATER', { status: 'Accepted', expiryDate: '2030-07-01T00:00:00.000Z' });
    await idTags.create('STOLEN', { status: 'Blocked' });
  }, 60_000);
  afterAll(() => close());

  it('gives idTagInfo: unknown Invalid, Accepted with parent, expired by date, stored status otherwise', async () => {
    expect(await idTags.idTagInfo('NOBODY')).toEqual({ status: 'Invalid' });
    expect(await idTags.idTagInfo('GOOD')).toEqual({ status: 'Accepted', parentIdTag: 'FLEET' });
    expect(await idTags.idTagInfo('OLD')).toEqual({ status: 'Expired', expiryDate: '2030-06-01T11:59:59.000Z' });
    expect(await idTags.idTagInfo('LATER')).toEqual({ status: 'Accepted', expiryDate: '2030-07-01T00:00:00.000Z' });
    expect(await idTags.idTagInfo('STOLEN')).toEqual({ status: 'Blocked' });
  });

  it('compares idTags case-insensitively (CiString20) and refuses a duplicate in another case', async () => {
    expect(await idTags.idTagInfo('good')).toMatchObject({ status: 'Accepted' });
    expect(await idTags.create('good', { status: 'Blocked' })).toBeUndefined();
  });

  it('replaces, lists by page and group, deletes', async () => {
    expect(await idTags.replace('later', { status: 'Blocked' })).toMatchObject({ idTag: 'LATER', status: 'Blocked', expiryDate: null });
    expect(await idTags.replace('MISSING', { status: 'Blocked' })).toBeUndefined();
    const page = await idTags.list(2, 1);
    expect(page).toMatchObject({ total: 4, limit: 2, offset: 1 });
    expect(page.items.map((t) => t.idTag)).toEqual(['LATER', 'OLD']);
    expect((await idTags.list(10, 0, 'g1')).items.map((t) => t.idTag)).toEqual(['GOOD']);
    await idTags.create('TEMP', { status: 'Accepted' });
    expect(await idTags.remove('temp')).toBe(true);
    expect(await idTags.remove('temp')).toBe(false);
  });

  it('free charging: the reported FreeChargingIdTag of a charger with FreeCharging on is Accepted and free, only there', async () => {
    await registry.registerCharger({ id: 'FREE1', securityProfile: 0 });
    await registry.registerCharger({ id: 'PAID1', securityProfile: 0 });
    expect(await registry.setReportedConfiguration('FREE1', { FreeCharging: 'true', FreeChargingIdTag: 'freetag', HeartbeatInterval: '300' })).toBe(true);
    expect(await registry.setReportedConfiguration('PAID1', { FreeCharging: 'false', FreeChargingIdTag: 'freetag' })).toBe(true);
    expect(await idTags.idTagInfoForStart('FREE1', 'FREETAG')).toEqual({ idTagInfo: { status: 'Accepted' }, free: true });
    expect(await idTags.idTagInfoForStart('PAID1', 'freetag')).toEqual({ idTagInfo: { status: 'Invalid' }, free: false });
    expect(await idTags.idTagInfoForStart('OTHER', 'freetag')).toEqual({ idTagInfo: { status: 'Invalid' }, free: false });
    expect(await idTags.idTagInfoForStart('FREE1', 'GOOD')).toEqual({ idTagInfo: { status: 'Accepted', parentIdTag: 'FLEET' }, free: false });
    // A later answer without FreeCharging keeps it; FreeCharging false turns it off.
    await registry.setReportedConfiguration('FREE1', { UseAuthorizationKeyWithoutDecoding: 'true' });
    expect(await registry.find('FREE1')).toMatchObject({ freeCharging: true, useAuthorizationKeyWithoutDecoding: true });
    await registry.setReportedConfiguration('FREE1', { FreeCharging: 'false' });
    expect((await idTags.idTagInfoForStart('FREE1', 'freetag')).free).toBe(false);
    expect(await registry.setReportedConfiguration('UNKNOWN-X', { FreeCharging: 'true' })).toBe(false);
  });

  it('registers chargers: generated password once, 409 on a taken (canonical) id, 422 for a password on profile 0', async () => {
    const created = await registry.registerCharger({ id: 'zap777', securityProfile: 1 });
    expect(created).toMatchObject({
      ok: true,
      data: { id: 'ZAP777', securityProfile: 1, registrationState: 'accepted', generatedPassword: expect.stringMatching(/^[0-9A-F]{40}$/) },
    });
    expect(await registry.registerCharger({ id: 'ZAP777', securityProfile: 1 })).toMatchObject({ ok: false, status: 409 });
    expect(await registry.registerCharger({ id: 'P0', securityProfile: 0, password: 'nope-nope-nope' })).toMatchObject({
      ok: false,
      status: 422,
      body: { errors: [{ field: 'password' }] },
    });
    const stored = await registry.find('ZAP777');
    // Generated by the CSMS: a keyed hash, not scrypt (credential-hasher.ts).
    expect(stored?.passwordHash).toMatch(/^hmac-sha256\$[0-9a-f]{16}\$/);
    expect(stored?.passwordHash).not.toContain(created.ok ? created.data.generatedPassword : 'x');
  });

  it('answers registration for config-manager, including unknown chargers per UNKNOWN_CHARGERS', async () => {
    await registry.registerCharger({ id: 'REG1', securityProfile: 0 });
    expect(await registry.registration('REG1', 'reject')).toEqual({ state: 'accepted', securityProfile: 0, known: true });
    expect(await registry.setRegistrationState('REG1', 'pending')).toBe(true);
    expect(await registry.registration('REG1', 'accept')).toMatchObject({ state: 'pending' });
    expect(await registry.registration('NOBODY', 'pending')).toEqual({ state: 'pending', securityProfile: 0, known: false });
    expect(await registry.registration('NOBODY', 'reject')).toMatchObject({ state: 'blocked', known: false });
    expect(await registry.setRegistrationState('NOBODY', 'accepted')).toBe(false);
  });

  it('stores SecurityEventNotifications once, however often a batch is redelivered', async () => {
    const events = new SecurityEventsService(db);
    const batch = [
      { chargerId: 'SEC1', type: 'FirmwareUpdated', timestamp: '2030-01-01T00:00:00.000Z', techInfo: 'v3.2', source: 'charger' as const },
      { chargerId: 'SEC1', type: 'SettingSystemTime', timestamp: '2030-01-01T00:00:01.000Z', source: 'charger' as const },
    ];
    await events.store(batch);
    await events.store(batch);
    const list = await events.list('SEC1');
    expect(list).toHaveLength(2);
    expect(list[0]).toMatchObject({ type: 'SettingSystemTime', techInfo: null, source: 'charger' });
  });
});
