/**
 * DesiredStartup's switches: with seedModelDefaults and bootIntervalFromDesired off, the models' levels stay empty
 * and an Accepted boot's interval is the service's heartbeatIntervalS, even when a desired HeartbeatInterval exists.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { InProcessBus, ask } from '#csms/bus';
import { startServiceHarness, type ServiceHarness } from '#csms/testing';
import { ConfigManagerModule } from '../config-manager.module.js';
import * as configManager from '../verbs.js';
import { openDesiredTestDatabase, type DesiredTestDatabase } from './test-support/database.js';

describe('DesiredStartup: what the desired part seeds and tells registration is switched by its options', () => {
  let t: DesiredTestDatabase;
  let bus: InProcessBus;
  let harness: ServiceHarness;

  beforeAll(async () => {
    t = await openDesiredTestDatabase();
    bus = await InProcessBus.open();
    const accepted = async () => ({ kind: 'decided' as const, registration: { state: 'accepted' as const, securityProfile: 1, known: true } });
    harness = await startServiceHarness({
      bus,
      db: t.db,
      serviceName: 'config-manager',
      service: ConfigManagerModule.forRoot({
        registrationLookup: accepted,
        heartbeatIntervalS: 300,
        seedModelDefaults: false,
        bootIntervalFromDesired: false,
        recheckIntervalMs: 0,
      }),
      api: [],
    });
  }, 60_000);

  afterAll(async () => {
    await harness?.close();
    await bus?.close();
    await t?.close();
  });

  it('no model level is seeded', async () => {
    const rows: Array<{ n: string }> = await t.db.query(`SELECT count(*) AS n FROM config_desired WHERE scope = 'model'`);
    expect(Number(rows[0].n)).toBe(0);
  });

  it("an Accepted boot's interval is the service's, not the desired HeartbeatInterval", async () => {
    const set = await ask(bus, configManager.setFleetConfiguration, { keys: { HeartbeatInterval: '900' }, actor: 'api:ops' });
    expect(set.ok).toBe(true);
    const boot = (messageId: string) =>
      ask(bus, configManager.bootNotification, {
        chargerId: 'ZAP000200',
        messageId,
        action: 'BootNotification',
        receivedAt: new Date().toISOString(),
        gatewayId: 'gw-1',
        payload: { chargePointVendor: 'Zaptec', chargePointModel: 'Go', firmwareVersion: '2.4.2.4' },
      });
    // The first boot makes the charger known (its levels apply from then on); the second is the one that counts.
    await boot('boot-1');
    const reply = await boot('boot-2');
    expect(reply).toMatchObject({ result: { status: 'Accepted', interval: 300 } });
  });
});
