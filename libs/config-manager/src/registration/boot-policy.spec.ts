import { sqlOf } from '#csms/persistence';
/**
 * The "apply the desired configuration before accepting" policy as registration sees it: the column, the bus-facing
 * RegistryService verb, and BootService consulting the sync check only when the policy is on and auth accepts.
 * The check here is the hook's contract (the desired part's real check is covered in desired/boot-sync.spec.ts).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { ChargerMessage } from '#csms/bus';
import type { BootNotificationRequest } from '#csms/ocpp';
import { RegistryService } from '../registry/registry.service.js';
import { openTestDatabase, type TestDatabase } from '../test-support/database.js';
import { BootService } from './boot.service.js';
import type { RegistrationLookup } from './registration-lookup.js';

const INTERVALS = { heartbeatIntervalS: 900, pendingIntervalS: 30 };
const NOW = new Date('2025-11-25T10:00:00.000Z');
const quiet = { warn: (): void => undefined };

let seq = 0;
const bootMsg = (chargerId: string, receivedAt = '2025-11-25T09:59:59.000Z'): ChargerMessage<BootNotificationRequest> => ({
  chargerId,
  messageId: `p-${++seq}`,
  action: 'BootNotification',
  receivedAt,
  gatewayId: 'gw-1',
  payload: { chargePointVendor: 'Zaptec', chargePointModel: 'Go', firmwareVersion: '2.4.2.4' },
});
const lookup: RegistrationLookup = async (id) => ({
  kind: 'decided',
  registration: { state: id.startsWith('BLOCKED') ? 'blocked' : 'accepted', securityProfile: 1, known: true },
});

describe('boot policy: apply the desired configuration before accepting', () => {
  let t: TestDatabase;
  let registry: RegistryService;
  let checks: Array<{ id: string; at: string }>;
  let verdict: string | undefined | Error;
  const service = (withCheck = true): BootService => {
    const b = new BootService(t.db, lookup, INTERVALS, quiet);
    if (withCheck) {
      b.useConfigurationSyncCheck(async (id, at) => {
        checks.push({ id, at: at.toISOString() });
        if (verdict instanceof Error) throw verdict;
        return verdict;
      });
    }
    return b;
  };
  const lastReason = async (id: string): Promise<string> =>
    ((await sqlOf(t.db).query(`SELECT reason FROM config_boot_log WHERE charger_id = $1 ORDER BY id DESC LIMIT 1`, [id])) as Array<{ reason: string }>)[0]
      .reason;

  beforeAll(async () => {
    t = await openTestDatabase();
    registry = new RegistryService(t.db);
  }, 60_000);
  afterAll(async () => t.close());
  beforeEach(async () => {
    await t.reset();
    checks = [];
    verdict = '1 key(s) not in sync: HeartbeatInterval drifted';
    // Known chargers (first boot with the policy off, as a charger is known before an operator can set it).
    for (const id of ['ZAP000001', 'BLOCKED-1']) await service(false).boot(bootMsg(id, '2025-11-25T09:00:00.000Z'), NOW);
  });

  it('is off by default and shown in GET as bootPolicy', async () => {
    const got = await registry.get({ chargerId: 'ZAP000001' });
    expect(got.ok && got.data.bootPolicy).toEqual({ applyConfigurationBeforeAccept: false });
    expect(await service().boot(bootMsg('ZAP000001'), NOW)).toMatchObject({ status: 'Accepted', interval: 900 });
    expect(checks).toEqual([]);
  });

  it('setBootPolicy stores it and answers the charger summary; 404 for an unknown charger; 400 naming the field', async () => {
    const set = await registry.setBootPolicy({ chargerId: 'ZAP000001', applyConfigurationBeforeAccept: true });
    expect(set.ok && set.data).toMatchObject({ id: 'ZAP000001', bootPolicy: { applyConfigurationBeforeAccept: true } });
    const got = await registry.get({ chargerId: 'ZAP000001' });
    expect(got.ok && got.data.bootPolicy.applyConfigurationBeforeAccept).toBe(true);
    const unknown = await registry.setBootPolicy({ chargerId: 'NOPE-1', applyConfigurationBeforeAccept: true });
    expect(unknown).toMatchObject({ ok: false, status: 404, body: { error: 'charger_not_found' } });
    // Bodies come off the bus unchecked by the gateway's pipe when another service calls the verb.
    const bad = await registry.setBootPolicy({ chargerId: 'ZAP000001', applyConfigurationBeforeAccept: 'yes' as unknown as boolean });
    expect(bad).toMatchObject({ ok: false, status: 400, body: { errors: [{ field: 'applyConfigurationBeforeAccept', rule: 'isBoolean' }] } });
  });

  it('on and not in sync: Pending with the pending interval, the reason in the boot log; the check gets the boot time', async () => {
    await registry.setBootPolicy({ chargerId: 'ZAP000001', applyConfigurationBeforeAccept: true });
    const reply = await service().boot(bootMsg('ZAP000001', '2025-11-25T09:59:59.000Z'), NOW);
    expect(reply).toEqual({ status: 'Pending', currentTime: NOW.toISOString(), interval: 30 });
    expect(checks).toEqual([{ id: 'ZAP000001', at: '2025-11-25T09:59:59.000Z' }]);
    expect(await lastReason('ZAP000001')).toBe('policy:apply-config-before-accept: 1 key(s) not in sync: HeartbeatInterval drifted');
    const got = await registry.get({ chargerId: 'ZAP000001' });
    expect(got.ok && got.data.boot?.status).toBe('Pending');
  });

  it('on and in sync: Accepted, with the accepted-interval hook still deciding the interval', async () => {
    await registry.setBootPolicy({ chargerId: 'ZAP000001', applyConfigurationBeforeAccept: true });
    verdict = undefined;
    const b = service();
    b.useAcceptedIntervalFrom(async () => 120);
    expect(await b.boot(bootMsg('ZAP000001'), NOW)).toMatchObject({ status: 'Accepted', interval: 120 });
    expect(await lastReason('ZAP000001')).toBe('registration:accepted');
  });

  it('a failing check answers Pending (retry soon), not Accepted', async () => {
    await registry.setBootPolicy({ chargerId: 'ZAP000001', applyConfigurationBeforeAccept: true });
    verdict = new Error('database went away');
    expect(await service().boot(bootMsg('ZAP000001'), NOW)).toMatchObject({ status: 'Pending', interval: 30 });
    expect(await lastReason('ZAP000001')).toMatch(/check failed: database went away/);
  });

  it('never turns a blocked charger into Pending, and without a registered check the policy has nothing to wait for', async () => {
    await registry.setBootPolicy({ chargerId: 'BLOCKED-1', applyConfigurationBeforeAccept: true });
    await registry.setBootPolicy({ chargerId: 'ZAP000001', applyConfigurationBeforeAccept: true });
    expect(await service().boot(bootMsg('BLOCKED-1'), NOW)).toMatchObject({ status: 'Rejected' });
    expect(checks).toEqual([]);
    expect(await service(false).boot(bootMsg('ZAP000001'), NOW)).toMatchObject({ status: 'Accepted' });
  });
});
