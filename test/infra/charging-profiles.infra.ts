/**
 * Desired charging profiles on the production shape (NATS JetStream + PostgreSQL, services as separate processes;
 * docs/charging-profiles.md): a group profile stored while its member is offline waits as not-connected, survives a
 * restart of config-manager, and reaches the charger when it connects again; a Reset drops it at the charger and the
 * boot after brings it back.
 */
import { jest } from '@jest/globals';
import { describeInfra } from '#csms/testing';
import { SimulatedCharger } from '../../apps/simulator/src/index.js';
import { apiClient } from '../support/api-client.js';
import { eventually } from '../support/processes.js';
import { startProductionStack, type ProductionStack } from '../support/production-stack.js';

jest.setTimeout(300_000);

const ID = 'ZAP000801';
const profile = {
  connectorId: 0,
  csChargingProfiles: {
    chargingProfileId: 7,
    stackLevel: 0,
    chargingProfilePurpose: 'ChargePointMaxProfile',
    chargingProfileKind: 'Absolute',
    chargingSchedule: { startSchedule: '2026-01-01T00:00:00Z', chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 13 }] },
  },
};

describeInfra('charging profiles on NATS + PostgreSQL', () => {
  let stack: ProductionStack;
  const chargers: SimulatedCharger[] = [];

  beforeAll(async () => {
    stack = await startProductionStack();
  });
  afterAll(async () => {
    await Promise.all(chargers.map((c) => c.stop()));
    await stack?.stop();
  });

  const start = (): SimulatedCharger => {
    const c = new SimulatedCharger({ url: `${stack.gateways[0].ocppUrl}/ocpp`, identity: ID, model: 'go', reconnectDelayMs: 100, rebootDelayMs: 200 });
    chargers.push(c);
    c.start();
    return c;
  };

  test('stored while offline, kept across a config-manager restart, sent at the next connect and again after a Reset', async () => {
    const api = apiClient(stack.gateways[0].apiUrl);
    const first = start();
    await first.waitFor('booted');
    await eventually(async () => ((await api.get(`/api/v1/chargers/${ID}/configuration`)).body?.reported ? true : undefined), 'configuration read');
    await first.stop();
    await eventually(async () => ((await api.get(`/api/v1/chargers/${ID}`)).body?.connected === false ? true : undefined), 'charger offline');

    expect((await api.put('/api/v1/groups/depot/members', { chargerIds: [ID] })).status).toBe(200);
    expect((await api.put('/api/v1/groups/depot/charging-profiles', { profiles: [profile] })).status).toBe(200);
    const waiting = await eventually(async () => {
      const p = (await api.get(`/api/v1/chargers/${ID}/charging-profiles`)).body.profiles?.[0];
      return p?.state?.outcome === 'not-connected' ? p : undefined;
    }, 'profile waiting for the charger');
    expect(waiting.inSync).toBe(false);

    await stack.restart('config-manager');
    const again = start();
    await again.waitFor('booted');
    await eventually(async () => (again.chargingProfiles.limitA(Date.now(), 3, false) === 13 ? true : undefined), 'profile at the charger', 60_000);
    await eventually(async () => ((await api.get(`/api/v1/chargers/${ID}/charging-profiles`)).body.profiles?.[0]?.inSync ? true : undefined), 'in sync');

    expect((await api.post(`/api/v1/chargers/${ID}/commands/Reset`, { type: 'Hard' })).body.result).toEqual({ status: 'Accepted' });
    await again.waitFor('offline');
    expect(again.chargingProfiles.limitA(Date.now(), 3, false)).toBeUndefined();
    await again.waitFor('booted');
    await eventually(async () => (again.chargingProfiles.limitA(Date.now(), 3, false) === 13 ? true : undefined), 'profile back after the Reset', 60_000);
    const composite = await api.get(`/api/v1/chargers/${ID}/charging-profiles/composite-schedule?connectorId=0&duration=300`);
    expect(composite.body.drift).toEqual({ state: 'in-sync', differences: [] });
  });
});
