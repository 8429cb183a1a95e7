/**
 * Wiring of the boot policy: ConfigManagerModule on the real in-process bus (DesiredModule registers the sync check
 * on BootService), `PUT /api/v1/chargers/:id/boot-policy` over real HTTP through RegistryApiModule and the global
 * validation pipe, and a simulated Zaptec Go on its command subject.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { InProcessBus, ask, subjects, type ChargerMessage, type ChargerReply } from '#csms/bus';
import type { BootNotificationRequest, BootNotificationResponse } from '#csms/ocpp';
import { startServiceHarness, type ServiceHarness } from '#csms/testing';
import { RegistryApiModule } from '../api/registry-api.module.js';
import { ConfigManagerModule } from '../config-manager.module.js';
import type { ChargerConfigurationView } from './desired.service.js';
import { openDesiredTestDatabase, type DesiredTestDatabase } from './test-support/database.js';
import { until } from './test-support/harness.js';
import { SimulatedZaptec } from './test-support/simulated-zaptec.js';
import * as configManager from '../verbs.js';

const ID = 'ZAP000400';

describe('boot policy: module on the in-process bus + HTTP API', () => {
  let t: DesiredTestDatabase;
  let bus: InProcessBus;
  let harness: ServiceHarness;
  let base: string;
  let sim: SimulatedZaptec;
  let seq = 0;

  beforeAll(async () => {
    t = await openDesiredTestDatabase();
    bus = await InProcessBus.open();
    sim = await SimulatedZaptec.start(bus, ID);
    const accepted = async () => ({ kind: 'decided' as const, registration: { state: 'accepted' as const, securityProfile: 1, known: true } });
    harness = await startServiceHarness({
      bus,
      db: t.db,
      serviceName: 'config-manager',
      service: ConfigManagerModule.forRoot({
        registrationLookup: accepted,
        pendingIntervalS: 15,
        bootReconcileDelayMs: 0,
        connectReconcileDelayMs: 0,
        recheckIntervalMs: 0,
      }),
      api: [RegistryApiModule],
    });
    base = `${harness.apiBase}/chargers`;
  }, 60_000);

  afterAll(async () => {
    await harness?.close();
    await sim?.stop();
    await bus?.close();
    await t?.close();
  });

  const boot = async (): Promise<BootNotificationResponse | undefined> => {
    const reply = await bus.request<ChargerMessage<BootNotificationRequest>, ChargerReply<BootNotificationResponse>>(subjects.request('BootNotification'), {
      chargerId: ID,
      messageId: `boot-${++seq}`,
      action: 'BootNotification',
      receivedAt: new Date().toISOString(),
      gatewayId: 'gw-1',
      payload: { chargePointVendor: 'Zaptec', chargePointModel: 'Go', firmwareVersion: '2.4.2.4' },
    });
    return 'result' in reply ? reply.result : undefined;
  };
  const putPolicy = (id: string, body: unknown): Promise<Response> =>
    fetch(`${base}/${id}/boot-policy`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const configuration = async (): Promise<ChargerConfigurationView> => {
    const reply = await ask(bus, configManager.getChargerConfiguration, { chargerId: ID });
    if (!reply.ok) throw new Error(reply.body.message);
    return reply.data;
  };
  const inSync = async (): Promise<true | undefined> => {
    const view = await configuration();
    return view.reported && view.drift.every((d) => d.state === 'in-sync') ? true : undefined;
  };

  it('a charger booting with the policy off is Accepted and configured', async () => {
    expect(await boot()).toMatchObject({ status: 'Accepted', interval: 900 });
    await until(inSync);
  });

  it('PUT boot-policy: 400 naming the field, 404 for an unknown charger, 200 with the charger; GET shows it', async () => {
    for (const body of [{ applyConfigurationBeforeAccept: 'yes' }, {}]) {
      const bad = await putPolicy(ID, body);
      expect(bad.status).toBe(400);
      expect(JSON.stringify(await bad.json())).toContain('applyConfigurationBeforeAccept');
    }
    expect((await putPolicy('NOPE-404', { applyConfigurationBeforeAccept: true })).status).toBe(404);
    const res = await putPolicy(ID, { applyConfigurationBeforeAccept: true });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: ID, bootPolicy: { applyConfigurationBeforeAccept: true } });
    const got = (await (await fetch(`${base}/${ID}`)).json()) as { bootPolicy: unknown };
    expect(got.bootPolicy).toEqual({ applyConfigurationBeforeAccept: true });
  });

  it('with the policy on and a new desired value: Pending with the pending interval, applied, then Accepted', async () => {
    // Not connected (no connection event here), so the value waits for the next boot's reconciliation.
    const set = await ask(bus, configManager.setChargerConfiguration, {
      chargerId: ID,
      keys: { MeterValueSampleInterval: '120' },
      actor: 'api:ops',
    });
    expect(set.ok).toBe(true);
    expect(await boot()).toMatchObject({ status: 'Pending', interval: 15 });
    await until(async () => (sim.value('MeterValueSampleInterval') === '120' ? inSync() : undefined));
    expect(await boot()).toMatchObject({ status: 'Accepted', interval: 900 });
  });
});
