/**
 * Live events on the production shape (NATS JetStream + PostgreSQL, two gateways, the services apart): the
 * event stream of the gateway that does NOT hold the charger's socket carries its events, in order, and a
 * client resuming with Last-Event-ID on the other gateway gets exactly what it missed (the stream sequence
 * is the id on every gateway); the fleet summary and list filters answer from the services.
 */
import { jest } from '@jest/globals';
import type { RPCClient } from 'ocpp-rpc';
import { describeInfra } from '#csms/testing';
import { apiClient } from '../support/api-client.js';
import { startProductionStack, type ProductionStack } from '../support/production-stack.js';
import { rpcCharger } from '../support/rpc-charger.js';
import { openSse, type SseEvent, type SseStream } from '../support/sse-client.js';

jest.setTimeout(180_000);

describeInfra('live events and fleet queries with two gateways on NATS JetStream + PostgreSQL', () => {
  let stack: ProductionStack;
  let client: RPCClient;
  const streams: SseStream[] = [];
  const now = (): string => new Date().toISOString();
  const label = (e: SseEvent): string => `${e.type}:${String(e.data.status ?? '')}`;

  beforeAll(async () => {
    stack = await startProductionStack([{ GATEWAY_ID: 'gw-a' }, { GATEWAY_ID: 'gw-b' }]);
  });

  afterAll(async () => {
    for (const s of streams) s.close();
    await client?.close({ force: true }).catch(() => undefined);
    await stack?.stop();
  });

  test('gateway A streams the events of a charger on gateway B; resuming on B gets exactly the missed ones', async () => {
    const [gwA, gwB] = stack.gateways;
    // The stack runs with API_AUTH=token, as production does.
    const auth = { Authorization: `Bearer ${stack.env.API_ADMIN_TOKEN}` };
    const onA = await openSse(`${gwA.apiUrl}/api/v1/events?chargerId=ZAPINFRA1`, auth);
    streams.push(onA);
    expect(onA.status).toBe(200);
    client = rpcCharger(`${gwB.ocppUrl}/ocpp`, 'ZAPINFRA1', { GetConfiguration: () => ({ configurationKey: [], unknownKey: [] }) }, () => ({
      status: 'NotSupported',
    }));
    await client.connect();
    await client.call('BootNotification', { chargePointVendor: 'Zaptec', chargePointModel: 'Go', firmwareVersion: '2.4.2.4' });
    await client.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Available', timestamp: now() });
    const seen = await onA.next((e) => e.type === 'connector.status', 0, 30_000);
    expect(onA.events.filter((e) => e.type !== 'command' && e.type !== 'configuration').map(label)).toEqual([
      'charger.connected:',
      'charger.boot:Accepted',
      'connector.status:Available',
    ]);
    expect(onA.events[0].data).toMatchObject({ gatewayId: 'gw-b' });
    onA.close();

    await client.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Preparing', timestamp: now() });
    await client.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Charging', timestamp: now() });
    const onB = await openSse(`${gwB.apiUrl}/api/v1/events?chargerId=ZAPINFRA1&types=connector.status`, { ...auth, 'Last-Event-ID': String(seen.id) });
    streams.push(onB);
    await onB.next((e) => e.data.status === 'Charging', 0, 30_000);
    expect(onB.events.map(label)).toEqual(['connector.status:Preparing', 'connector.status:Charging']);
    expect(Number(onB.events[0].id)).toBeGreaterThan(Number(seen.id));
  });

  test('the fleet summary and the list filters answer from the services, on either gateway', async () => {
    const [gwA, gwB] = stack.gateways;
    const until = Date.now() + 30_000;
    let summary = (await apiClient(gwA.apiUrl).get('/api/v1/fleet/summary')).body;
    while (summary.connectorStatus?.Charging !== 1 && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 250));
      summary = (await apiClient(gwA.apiUrl).get('/api/v1/fleet/summary')).body;
    }
    expect(summary).toMatchObject({
      chargers: { total: 1, connected: 1, disconnected: 0 },
      byModel: { 'zaptec-go': 1 },
      byFirmware: { 'zaptec-go 2.4.2.4': 1 },
      connectorStatus: { Charging: 1 },
    });
    const list = await apiClient(gwB.apiUrl).get('/api/v1/chargers?status=Charging&connected=true&view=compact');
    expect(list.body).toMatchObject({ total: 1, nextCursor: null, items: [{ id: 'ZAPINFRA1', connected: true, connectorStatus: { 1: 'Charging' } }] });
  });
});
