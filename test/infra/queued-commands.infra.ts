/**
 * Queued commands on the production shape (NATS JetStream + PostgreSQL, two config-manager replicas): commands
 * queued for an offline charger survive stopping every process and restarting NATS, and are delivered once
 * each, in creation order, when the charger connects and boots (docs/api-commands.md#queued-commands).
 */
import { jest } from '@jest/globals';
import { describeInfra } from '#csms/testing';
import { apiClient } from '../support/api-client.js';
import { runQueuedWithSimulator } from '../support/queued-simulator-scenario.js';
import { eventually, startService, type ServiceProcess } from '../support/processes.js';
import { startProductionStack, type ProductionStack, type StackService } from '../support/production-stack.js';
import { connectRawCharger } from '../support/raw-charger.js';

jest.setTimeout(300_000);

const ID = 'QINFRA-0001';
const boot = { chargePointVendor: 'Zaptec', chargePointModel: 'Go', firmwareVersion: '2.4.2.4' };

describeInfra('queued commands on NATS + PostgreSQL', () => {
  let stack: ProductionStack;
  const extra: ServiceProcess[] = [];

  beforeAll(async () => {
    stack = await startProductionStack();
  });
  afterAll(async () => {
    for (const p of extra) await p.stop().catch(() => undefined);
    await stack?.stop();
  });

  test('the simulator as a Zaptec Go: queued while offline, carried out after its next boot, in order, once each', async () => {
    await runQueuedWithSimulator({ chargerOcppUrl: stack.gateways[0].ocppUrl, apiUrl: stack.gateways[0].apiUrl }, 'QINFRA-SIM1');
  });

  test('queued while offline, kept across a restart of every process and of NATS, delivered once and in order by one of two replicas', async () => {
    let gateway = stack.gateways[0];
    let api = apiClient(gateway.apiUrl);
    const first = await connectRawCharger(gateway.ocppUrl, ID);
    first.send([2, 'b0', 'BootNotification', boot]);
    expect((await first.reply('b0'))[2]).toMatchObject({ status: 'Accepted' });
    first.ws.close();
    await eventually(async () => ((await api.get(`/api/v1/chargers/${ID}`)).body?.connected === false ? true : undefined), 'charger offline in the registry');

    const payloads = [
      { connectorId: 1, type: 'Inoperative' },
      { connectorId: 0, type: 'Operative' },
      { connectorId: 1, type: 'Operative' },
    ];
    const ids: string[] = [];
    for (const p of payloads) {
      const res = await api.post(`/api/v1/chargers/${ID}/commands/ChangeAvailability?delivery=queued`, p);
      expect(res.status).toBe(202);
      ids.push(res.body.commandId as string);
    }

    // Every process down, NATS restarted on its store, everything up again; plus a second config-manager.
    await gateway.stop();
    for (const app of ['metering', 'config-manager', 'auth'] as StackService[]) await stack.services[app].stop();
    await stack.nats.restart();
    for (const app of ['auth', 'config-manager', 'metering'] as StackService[]) await stack.restart(app);
    extra.push(await startService({ app: 'config-manager', env: stack.env }));
    gateway = await startService({ app: 'gateway', env: { ...stack.env, GATEWAY_ID: 'gw-1' } });
    extra.push(gateway);
    api = apiClient(gateway.apiUrl);
    const listed = await api.get(`/api/v1/chargers/${ID}/commands?status=pending`);
    expect(listed.body.items.map((i: { commandId: string }) => i.commandId)).toEqual([...ids].reverse());

    const charger = await connectRawCharger(gateway.ocppUrl, ID);
    const got: unknown[] = [];
    charger.ws.on('message', (data) => {
      const f = JSON.parse(data.toString()) as unknown[];
      if (f[0] === 2 && f[2] === 'ChangeAvailability') {
        got.push(f[3]);
        charger.send([3, f[1], { status: 'Accepted' }]);
      }
    });
    charger.send([2, 'b1', 'BootNotification', boot]);
    expect((await charger.reply('b1'))[2]).toMatchObject({ status: 'Accepted' });
    await eventually(
      async () => ((await api.get(`/api/v1/commands/${ids[2]}`)).body?.status === 'succeeded' ? true : undefined),
      'the last command succeeded',
      90_000,
    );
    expect(got).toEqual(payloads);
    for (const id of ids) {
      expect((await api.get(`/api/v1/commands/${id}`)).body).toMatchObject({ status: 'succeeded', attempts: 1, result: { status: 'Accepted' } });
    }
    charger.ws.close();
  });
});
