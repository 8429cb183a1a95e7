/**
 * The production shape on real infrastructure: NATS with JetStream (our own nats-server on a free port),
 * a fresh PostgreSQL database, auth, config-manager and metering as separate processes, and TWO gateway
 * processes. A command sent through one gateway's API reaches a charger connected to the other; the
 * same identity reconnecting to the other gateway closes the first socket (newest wins across instances);
 * a charger driven by ocpp-rpc (strict mode) lives its whole life through this setup.
 */
import { jest } from '@jest/globals';
import { WebSocket } from 'ws';
import { describeInfra } from '#csms/testing';
import { apiClient } from '../support/api-client.js';
import { rpcCharger } from '../support/rpc-charger.js';
import { eventually } from '../support/processes.js';
import { twoGatewayStack } from '../support/production-stack.js';

jest.setTimeout(180_000);

describeInfra('two gateways and the services on NATS JetStream + PostgreSQL', () => {
  const two = twoGatewayStack();

  test('a command through gateway A reaches a charger on gateway B, and its answer comes back', async () => {
    const client = rpcCharger(
      `${two.gwB.ocppUrl}/ocpp`,
      'ZAP100001',
      { GetConfiguration: () => ({ configurationKey: [{ key: 'HeartbeatInterval', readonly: false, value: '900' }] }) },
      () => ({ status: 'Accepted' }),
    );
    await client.connect();
    expect(await client.call('BootNotification', { chargePointVendor: 'Zaptec', chargePointModel: 'Go' })).toMatchObject({ status: 'Accepted' });
    const res = await apiClient(two.gwA.apiUrl).post('/api/v1/chargers/ZAP100001/commands/GetConfiguration', { key: ['HeartbeatInterval'] });
    expect(res.status).toBe(200);
    expect(res.body.result.configurationKey[0]).toEqual({ key: 'HeartbeatInterval', readonly: false, value: '900' });
    await client.close({ force: true });
  });

  test('reconnecting the same identity to the other gateway closes the first socket', async () => {
    const first = new WebSocket(`${two.gwA.ocppUrl}/ZAP100002`, ['ocpp1.6']);
    await new Promise((r, j) => first.once('open', r).once('error', j));
    const firstClosed = new Promise<number>((r) => first.once('close', (code) => r(code)));
    const second = new WebSocket(`${two.gwB.ocppUrl}/ZAP100002`, ['ocpp1.6']);
    await new Promise((r, j) => second.once('open', r).once('error', j));
    expect(await firstClosed).toBe(1000);
    // Commands now go to the second socket, whichever API is asked.
    const answered = new Promise<void>((resolve) =>
      second.on('message', (data) => {
        const frame = JSON.parse(data.toString()) as unknown[];
        if (frame[0] === 2) {
          second.send(JSON.stringify([3, frame[1], { status: 'Accepted' }]));
          resolve();
        }
      }),
    );
    const res = await apiClient(two.gwA.apiUrl).post('/api/v1/chargers/ZAP100002/commands/ClearCache', {});
    await answered;
    expect(res.status).toBe(200);
    second.close();
  });

  test('a whole charging session: the API of either gateway shows the transaction and its energy', async () => {
    const apiA = apiClient(two.gwA.apiUrl);
    expect((await apiA.post('/api/v1/id-tags', { idTag: 'INFRA-TAG', status: 'Accepted' })).status).toBe(201);
    const client = rpcCharger(two.gwB.ocppUrl, 'ZAP100003', { GetConfiguration: () => ({ configurationKey: [] }) }, () => ({ status: 'Accepted' }));
    await client.connect();
    await client.call('BootNotification', { chargePointVendor: 'Zaptec', chargePointModel: 'Go' });
    await client.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Charging' });
    expect(await client.call('Authorize', { idTag: 'INFRA-TAG' })).toMatchObject({ idTagInfo: { status: 'Accepted' } });
    const t0 = Date.now() - 120_000;
    const start = (await client.call('StartTransaction', { connectorId: 1, idTag: 'INFRA-TAG', meterStart: 5000, timestamp: new Date(t0).toISOString() })) as {
      transactionId: number;
    };
    await client.call('MeterValues', {
      connectorId: 1,
      transactionId: start.transactionId,
      meterValue: [{ timestamp: new Date(t0 + 60_000).toISOString(), sampledValue: [{ value: '3700', measurand: 'Power.Active.Import', unit: 'W' }] }],
    });
    await client.call('StopTransaction', { transactionId: start.transactionId, meterStop: 5100, timestamp: new Date().toISOString() });
    const tx = await eventually(async () => {
      const r = await apiA.get(`/api/v1/transactions/${start.transactionId}`);
      return r.status === 200 && r.body.meterStop === 5100 ? r.body : undefined;
    }, 'the transaction through gateway A');
    expect(tx).toMatchObject({ chargerId: 'ZAP100003', meterStart: 5000, meterStop: 5100, energyWh: 100, stopReason: 'Local' });
    const list = await apiClient(two.gwB.apiUrl).get('/api/v1/chargers');
    expect((list.body.items as Array<{ id: string }>).map((c) => c.id)).toEqual(expect.arrayContaining(['ZAP100001', 'ZAP100002', 'ZAP100003']));
    await client.close({ force: true });
  });
});
