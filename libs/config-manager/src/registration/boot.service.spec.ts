import { sqlOf } from '#csms/persistence';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { InProcessBus, type ChargerMessage } from '#csms/bus';
import type { BootNotificationRequest } from '#csms/ocpp';
import { RegistryService } from '../registry/registry.service.js';
import { openTestDatabase, type TestDatabase } from '../test-support/database.js';
import { BootService } from './boot.service.js';
import type { RegistrationLookup, RegistrationOutcome, RegistrationState } from './registration-lookup.js';
import { RegistrationController } from './registration.controller.js';
import { ResetLinks } from './reset-links.js';

const INTERVALS = { heartbeatIntervalS: 900, pendingIntervalS: 30 };
const NOW = new Date('2025-11-25T10:00:00.000Z');

let seq = 0;
function bootMsg(chargerId: string, payload: BootNotificationRequest, receivedAt = '2025-11-25T09:59:59.000Z'): ChargerMessage<BootNotificationRequest> {
  seq += 1;
  return { chargerId, messageId: `m-${seq}`, action: 'BootNotification', payload, receivedAt, gatewayId: 'gw-1' };
}

/** Auth stand-in: the registration state per charger, or unavailable. */
function lookupFrom(states: Record<string, RegistrationState['state'] | 'unavailable'>): RegistrationLookup {
  return async (chargerId): Promise<RegistrationOutcome> => {
    const state = states[chargerId] ?? 'accepted';
    if (state === 'unavailable') return { kind: 'unavailable', reason: 'no responders on api.auth.registration' };
    return { kind: 'decided', registration: { state, securityProfile: 1, known: true } };
  };
}

class CapturingLog {
  readonly lines: string[] = [];
  warn(message: unknown): void {
    this.lines.push(String(message));
  }
}

interface StoredRow {
  model: string;
  model_override: string | null;
  boot_vendor: string | null;
  boot_model: string | null;
  charge_point_serial_number: string | null;
  firmware_version: string | null;
  iccid: string | null;
  meter_serial_number: string | null;
  boot_status: string | null;
  boot_at: Date | null;
}

describe('BootService', () => {
  let t: TestDatabase;
  let log: CapturingLog;
  const states: Record<string, RegistrationState['state'] | 'unavailable'> = {
    'PENDING-1': 'pending',
    'BLOCKED-1': 'blocked',
    'NOAUTH-1': 'unavailable',
  };
  const service = (): BootService => new BootService(t.db, lookupFrom(states), INTERVALS, log);
  const row = async (id: string): Promise<StoredRow> =>
    ((await sqlOf(t.db).query(`SELECT * FROM config_chargers WHERE charger_id = $1`, [id])) as StoredRow[])[0];

  beforeAll(async () => {
    t = await openTestDatabase();
  }, 60_000);
  afterAll(async () => t.close());
  beforeEach(async () => {
    log = new CapturingLog();
    await t.reset();
  });

  it('answers Accepted with the configured heartbeat interval and the current time, and records every boot field', async () => {
    const reply = await service().boot(
      bootMsg('ZAP000001', {
        chargePointVendor: 'Zaptec',
        chargePointModel: 'Go',
        chargePointSerialNumber: 'ZAP000001',
        chargeBoxSerialNumber: 'BOX-1',
        firmwareVersion: '2.4.2.4',
        iccid: '8947000000000000001',
        imsi: '242010000000001',
        meterType: 'internal',
        meterSerialNumber: 'MTR-1',
      }),
      NOW,
    );
    expect(reply).toEqual({ status: 'Accepted', currentTime: '2025-11-25T10:00:00.000Z', interval: 900 });
    const r = await row('ZAP000001');
    expect(r).toMatchObject({
      model: 'zaptec-go',
      model_override: null,
      boot_vendor: 'Zaptec',
      boot_model: 'Go',
      charge_point_serial_number: 'ZAP000001',
      firmware_version: '2.4.2.4',
      iccid: '8947000000000000001',
      meter_serial_number: 'MTR-1',
      boot_status: 'Accepted',
    });
    expect(new Date(r.boot_at as Date).toISOString()).toBe('2025-11-25T09:59:59.000Z');
    const logRows: Array<{ status: string; reason: string; detected_model: string }> = await sqlOf(t.db).query(`SELECT * FROM config_boot_log`);
    expect(logRows).toEqual([expect.objectContaining({ status: 'Accepted', reason: 'registration:accepted', detected_model: 'zaptec-go' })]);
  });

  it.each([
    ['Go (ZAP, firmware 2.x)', 'ZAP000002', { chargePointVendor: 'Zaptec', chargePointModel: 'Go', firmwareVersion: '2.1.0.3' }, 'zaptec-go'],
    ['Go 2 (ZAP, firmware 3.x)', 'ZAP000003', { chargePointVendor: 'Zaptec', chargePointModel: 'Go2', firmwareVersion: '3.2.1.0' }, 'zaptec-go2'],
    ['Pro (ZPR serial)', 'CP-PRO-1', { chargePointVendor: 'Zaptec', chargePointModel: 'ZAPTEC PRO', chargePointSerialNumber: 'ZPR081234' }, 'zaptec-pro'],
    ['generic (other vendor)', 'ABB-1', { chargePointVendor: 'ABB', chargePointModel: 'Terra AC', firmwareVersion: '1.6.5' }, 'generic'],
  ])('detects the model of a %s', async (_name, id, payload, model) => {
    await service().boot(bootMsg(id, payload as BootNotificationRequest), NOW);
    expect((await row(id)).model).toBe(model);
  });

  it('keeps an operator override across later boots', async () => {
    await service().boot(bootMsg('ABB-2', { chargePointVendor: 'ABB', chargePointModel: 'Terra' }), NOW);
    const set = await new RegistryService(t.db).setModel({ chargerId: 'ABB-2', model: 'zaptec-pro' });
    expect(set.ok).toBe(true);
    await service().boot(bootMsg('ABB-2', { chargePointVendor: 'ABB', chargePointModel: 'Terra' }, '2025-11-25T10:05:00.000Z'), NOW);
    expect(await row('ABB-2')).toMatchObject({ model: 'zaptec-pro', model_override: 'zaptec-pro' });
  });

  it('answers Pending with the short interval for a pending registration', async () => {
    const reply = await service().boot(bootMsg('PENDING-1', { chargePointVendor: 'X', chargePointModel: 'Y' }), NOW);
    expect(reply).toEqual({ status: 'Pending', currentTime: NOW.toISOString(), interval: 30 });
    expect((await row('PENDING-1')).boot_status).toBe('Pending');
  });

  it('answers Rejected for a blocked charger, with the long interval so it does not hammer', async () => {
    const reply = await service().boot(bootMsg('BLOCKED-1', { chargePointVendor: 'X', chargePointModel: 'Y' }), NOW);
    expect(reply).toEqual({ status: 'Rejected', currentTime: NOW.toISOString(), interval: 900 });
    expect((await row('BLOCKED-1')).boot_status).toBe('Rejected');
  });

  it('answers Pending with the short interval, and logs it, when auth does not answer', async () => {
    const reply = await service().boot(bootMsg('NOAUTH-1', { chargePointVendor: 'X', chargePointModel: 'Y' }), NOW);
    expect(reply).toEqual({ status: 'Pending', currentTime: NOW.toISOString(), interval: 30 });
    expect(log.lines).toEqual([expect.stringContaining('NOAUTH-1')]);
    expect(log.lines[0]).toContain('no responders');
    const logRows: Array<{ reason: string }> = await sqlOf(t.db).query(`SELECT reason FROM config_boot_log WHERE charger_id = 'NOAUTH-1'`);
    expect(logRows[0].reason).toMatch(/^auth-unavailable/);
  });

  it('stores a redelivered BootNotification once and never lets an older one overwrite a newer one', async () => {
    const s = service();
    const newer = bootMsg('ZAP000009', { chargePointVendor: 'Zaptec', chargePointModel: 'Go', firmwareVersion: '3.0.0' }, '2025-11-25T10:00:00.000Z');
    const older = bootMsg('ZAP000009', { chargePointVendor: 'Zaptec', chargePointModel: 'Go', firmwareVersion: '2.0.0' }, '2025-11-25T09:00:00.000Z');
    await s.boot(newer, NOW);
    await s.boot(newer, NOW);
    await s.boot(older, NOW);
    expect(await row('ZAP000009')).toMatchObject({ firmware_version: '3.0.0', model: 'zaptec-go2' });
    const count: Array<{ n: number }> = await sqlOf(t.db).query(`SELECT count(*)::int AS n FROM config_boot_log WHERE charger_id = 'ZAP000009'`);
    expect(count[0].n).toBe(2);
  });

  it('records boots arriving together (several of one charger among them) as if one by one', async () => {
    const s = service();
    const models: string[] = [];
    s.onBooted((b) => void models.push(`${b.chargerId}:${b.model}`));
    const go = (id: string, fw: string, at: string): ChargerMessage<BootNotificationRequest> =>
      bootMsg(id, { chargePointVendor: 'Zaptec', chargePointModel: 'Go', firmwareVersion: fw }, at);
    const aOld = go('ZAP000020', '1.0.0', '2025-11-25T09:00:00.000Z');
    const aNew = go('ZAP000020', '2.0.0', '2025-11-25T09:30:00.000Z');
    const many = [
      aOld,
      go('ZAP000021', '1.0.0', '2025-11-25T09:00:00.000Z'),
      aNew,
      { ...aNew },
      go('ZPG000022', '1.0.0', '2025-11-25T09:00:00.000Z'),
      bootMsg('ZPG000022', { chargePointVendor: 'Zaptec', chargePointModel: 'Pro', firmwareVersion: '0.9.0' }, '2025-11-25T08:00:00.000Z'),
    ];
    const replies = await Promise.all(many.map((m) => s.boot(m, NOW)));
    expect(replies.map((r) => r.status)).toEqual(Array(many.length).fill('Accepted'));
    expect(await row('ZAP000020')).toMatchObject({ firmware_version: '2.0.0' });
    expect(await row('ZAP000021')).toMatchObject({ firmware_version: '1.0.0' });
    // The older Pro boot came last but must not overwrite the newer one.
    expect(await row('ZPG000022')).toMatchObject({ firmware_version: '1.0.0' });
    const counts: Array<{ charger_id: string; n: number }> = await sqlOf(t.db).query(
      `SELECT charger_id, count(*)::int AS n FROM config_boot_log GROUP BY charger_id ORDER BY charger_id`,
    );
    expect(counts).toEqual([
      { charger_id: 'ZAP000020', n: 2 },
      { charger_id: 'ZAP000021', n: 1 },
      { charger_id: 'ZPG000022', n: 2 },
    ]);
    await new Promise((r) => setImmediate(r));
    expect(models).toHaveLength(many.length);
    expect(models.filter((m) => m.startsWith('ZPG000022'))).toEqual(['ZPG000022:zaptec-pro', 'ZPG000022:zaptec-pro']);
  });

  it('links the boot after a Reset whose answer was lost to that Reset, once, and only within the window', async () => {
    const links = new ResetLinks(t.db);
    const sentAt = new Date(NOW.getTime() - 30_000).toISOString();
    await links.note({ chargerId: 'RESET-1', commandId: 'cmd-old', type: 'Soft', outcome: 'accepted', sentAt: new Date(NOW.getTime() - 60_000).toISOString() });
    await links.note({ chargerId: 'RESET-1', commandId: 'cmd-1', type: 'Hard', outcome: 'connection-lost', sentAt });
    // A note that arrives late for an older Reset does not replace the newer one.
    await links.note({
      chargerId: 'RESET-1',
      commandId: 'cmd-older',
      type: 'Soft',
      outcome: 'accepted',
      sentAt: new Date(NOW.getTime() - 90_000).toISOString(),
    });
    expect(await links.take('RESET-1', NOW)).toEqual({ commandId: 'cmd-1', type: 'Hard', outcome: 'connection-lost', sentAt });
    expect(await links.take('RESET-1', NOW)).toBeUndefined();
    await links.note({
      chargerId: 'RESET-2',
      commandId: 'cmd-2',
      type: 'Hard',
      outcome: 'connection-lost',
      sentAt: new Date(NOW.getTime() - 2 * 3600_000).toISOString(),
    });
    expect(await links.take('RESET-2', NOW)).toBeUndefined();
  });

  it('tells boot listeners the effective model and status', async () => {
    const s = service();
    const seen = new Promise<string>((resolve) => s.onBooted((b) => resolve(`${b.chargerId}:${b.model}:${b.status}`)));
    await s.boot(bootMsg('ZPG000001', { chargePointVendor: 'Zaptec', chargePointModel: 'Pro' }), NOW);
    expect(await seen).toBe('ZPG000001:zaptec-pro:Accepted');
  });
});

describe('RegistrationController', () => {
  it('answers every DataTransfer UnknownVendorId: we implement no vendor extension', async () => {
    const controller = new RegistrationController({} as BootService, new InProcessBus(), {} as ResetLinks);
    const reply = await controller.dataTransfer({
      chargerId: 'ZAP000001',
      messageId: 'd1',
      action: 'DataTransfer',
      payload: { vendorId: 'Zaptec', messageId: 'x', data: '{}' },
      receivedAt: NOW.toISOString(),
      gatewayId: 'gw-1',
    });
    expect(reply).toEqual({ result: { status: 'UnknownVendorId' } });
  });
});
