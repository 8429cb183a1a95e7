/**
 * Wiring: ConfigManagerModule (with the desired part) on the real in-process bus through BusTransport, and
 * ConfigurationApiModule over real HTTP; a simulated Zaptec Go on its command subject.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { InProcessBus, subjects, type ChargerMessage, type ChargerReply, type ConnectionEvent } from '#csms/bus';
import type { BootNotificationRequest, BootNotificationResponse } from '#csms/ocpp';
import { startServiceHarness, type ServiceHarness } from '#csms/testing';
import { ConfigManagerModule } from '../config-manager.module.js';
import { ConfigurationApiModule } from './api/configuration-api.module.js';
import { openDesiredTestDatabase, type DesiredTestDatabase } from './test-support/database.js';
import { until } from './test-support/harness.js';
import { SimulatedZaptec } from './test-support/simulated-zaptec.js';

const ID = 'ZAP000100';

describe('desired configuration: module on the in-process bus + HTTP API', () => {
  let t: DesiredTestDatabase;
  let bus: InProcessBus;
  let harness: ServiceHarness;
  let base: string;
  let sim: SimulatedZaptec;

  beforeAll(async () => {
    t = await openDesiredTestDatabase();
    bus = await InProcessBus.open();
    sim = await SimulatedZaptec.start(bus, ID);
    const accepted = async () => ({ kind: 'decided' as const, registration: { state: 'accepted' as const, securityProfile: 1, known: true } });
    harness = await startServiceHarness({
      bus,
      db: t.db,
      serviceName: 'config-manager',
      service: ConfigManagerModule.forRoot({ registrationLookup: accepted, bootReconcileDelayMs: 0, connectReconcileDelayMs: 0, recheckIntervalMs: 0 }),
      api: [ConfigurationApiModule],
    });
    base = `${harness.apiBase}`;
  }, 60_000);

  afterAll(async () => {
    await harness?.close();
    await sim?.stop();
    await bus?.close();
    await t?.close();
  });

  const put = (path: string, body: unknown): Promise<Response> =>
    fetch(`${base}${path}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('reconciles on a connected event from the durable stream: fleet defaults reach the charger', async () => {
    const event: ConnectionEvent = { chargerId: ID, state: 'connected', gatewayId: 'gw-1', sessionId: 's1', at: new Date().toISOString() };
    await bus.publishDurable(subjects.connection(ID), event);
    await until(() => (sim.value('HeartbeatInterval') === '900' && sim.value('MeterValueSampleInterval') === '60' ? true : undefined));
  });

  it('after a BootNotification of a Go with 86400/0 it ends with the fleet values', async () => {
    sim.setLocally('HeartbeatInterval', '86400');
    sim.setLocally('MeterValueSampleInterval', '0');
    const reply = await bus.request<ChargerMessage<BootNotificationRequest>, ChargerReply<BootNotificationResponse>>(subjects.request('BootNotification'), {
      chargerId: ID,
      messageId: 'boot-1',
      action: 'BootNotification',
      receivedAt: new Date().toISOString(),
      gatewayId: 'gw-1',
      payload: { chargePointVendor: 'Zaptec', chargePointModel: 'Go', firmwareVersion: '2.4.2.4' },
    });
    expect(reply).toMatchObject({ result: { status: 'Accepted' } });
    await until(() => (sim.value('HeartbeatInterval') === '900' && sim.value('MeterValueSampleInterval') === '60' ? true : undefined));
  });

  it('PUT answers 422 with every refusal and sends nothing; a valid PUT is applied at once', async () => {
    const bad = await put(`/chargers/${ID}/configuration`, { keys: { FreeCharging: 'yes', HeartbeatInterval: '-1' } });
    expect(bad.status).toBe(422);
    const body = (await bad.json()) as { errors: Array<{ key: string; value: string; rule: string; message: string }> };
    expect(body.errors.map((e) => e.key).sort()).toEqual(['FreeCharging', 'HeartbeatInterval']);
    expect(body.errors[0]).toEqual({ key: expect.any(String), value: expect.any(String), rule: expect.any(String), message: expect.any(String) });

    const good = await put(`/chargers/${ID}/configuration`, { keys: { FreeCharging: 'true', FreeChargingIdTag: 'FREE' } });
    expect(good.status).toBe(200);
    await until(() => (sim.value('FreeCharging') === 'true' ? true : undefined));
    expect(sim.changes.map((c) => c.value)).not.toContain('yes');
    expect(sim.changesOf('FreeChargingIdTag')[0]).toMatchObject({ value: 'FREE', status: 'Accepted' });
  });

  it('GET configuration, history, profiles; groups and fleet routes; 400 for a malformed body', async () => {
    await until(async () => {
      const v = (await (await fetch(`${base}/chargers/${ID}/configuration`)).json()) as {
        drifted: boolean;
        reported: { ageSeconds: number } | null;
        effective: Record<string, string>;
      };
      return v.effective['FreeCharging'] === 'true' && v.drifted === false && v.reported !== null ? v : undefined;
    });
    const history = (await (await fetch(`${base}/chargers/${ID}/configuration/history?limit=50`)).json()) as { items: Array<{ actor: string; key: string }> };
    expect(history.items).toEqual(expect.arrayContaining([expect.objectContaining({ actor: 'api:anonymous', key: 'FreeCharging' })]));
    const profiles = (await (await fetch(`${base}/profiles`)).json()) as { keys: Array<{ name: string }>; models: unknown[] };
    expect(profiles.keys.length).toBeGreaterThan(43);
    expect((await put('/groups/depot/members', { chargerIds: [ID] })).status).toBe(200);
    expect((await put('/groups/depot/configuration', { keys: { ConnectionTimeOut: '45' } })).status).toBe(200);
    expect(await (await fetch(`${base}/groups/depot/configuration`)).json()).toMatchObject({ name: 'depot', keys: { ConnectionTimeOut: '45' }, members: [ID] });
    await until(() => (sim.value('ConnectionTimeOut') === '45' ? true : undefined));
    expect(await (await fetch(`${base}/configuration`)).json()).toMatchObject({ scope: 'fleet', keys: {} });
    expect(await (await fetch(`${base}/models/zaptec-go/configuration`)).json()).toMatchObject({
      scope: 'model',
      name: 'zaptec-go',
      keys: { HeartbeatInterval: '900' },
    });
    expect((await fetch(`${base}/models/tesla/configuration`)).status).toBe(404);
    const malformed = await put('/configuration', { keys: { HeartbeatInterval: 60 } });
    expect(malformed.status).toBe(400);
    expect((await put('/configuration', { keys: {}, extra: 1 })).status).toBe(400);
  });
});
