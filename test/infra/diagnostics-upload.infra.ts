/**
 * Diagnostics uploads on the production shape (NATS JetStream + PostgreSQL, two gateways): the charger uploads
 * to one gateway, the file is downloaded from the other, byte for byte; the chunks cross NATS under its default
 * payload limit (docs/reference/design-decisions.md#diagnostics-uploads).
 */
import { randomBytes } from 'node:crypto';
import { jest } from '@jest/globals';
import { describeInfra } from '#csms/testing';
import { apiClient } from '../support/api-client.js';
import { eventually } from '../support/processes.js';
import { startProductionStack, type ProductionStack } from '../support/production-stack.js';
import { rpcCharger } from '../support/rpc-charger.js';
import { SimulatedCharger } from '../../apps/simulator/src/index.js';
import { diagnosticsFile } from '../../apps/simulator/src/charger/diagnostics-upload.js';

jest.setTimeout(300_000);

describeInfra('diagnostics uploads on NATS + PostgreSQL with two gateways', () => {
  let stack: ProductionStack;

  beforeAll(async () => {
    stack = await startProductionStack([{ GATEWAY_ID: 'gw-a' }, { GATEWAY_ID: 'gw-b' }]);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  test('uploaded to one gateway, tracked, downloaded from the other', async () => {
    const [a, b] = stack.gateways;
    const api = apiClient(a.apiUrl);
    const ID = 'ZAPINFRADIAG1';
    let location = '';
    const client = rpcCharger(
      `${a.ocppUrl}/ocpp`,
      ID,
      {
        GetDiagnostics: ({ params }) => ((location = params.location as string), { fileName: 'infra.tgz' }),
        GetConfiguration: ({ params }) => ({ configurationKey: [], unknownKey: (params.key as string[] | undefined) ?? [] }),
      },
      () => ({ status: 'NotSupported' }),
    );
    await client.connect();
    try {
      expect(await client.call('BootNotification', { chargePointVendor: 'Zaptec', chargePointModel: 'Go', firmwareVersion: '2.4.2.4' })).toMatchObject({
        status: 'Accepted',
      });
      const asked = await api.post(`/api/v1/chargers/${ID}/diagnostics`, {});
      expect(asked.status).toBe(201);
      // Any replica receives: send it to the gateway that does not hold the charger's socket.
      const url = location.replace(/^http:\/\/localhost:\d+/, b.apiUrl);
      const file = randomBytes(2 * 1024 * 1024 + 17);
      await client.call('DiagnosticsStatusNotification', { status: 'Uploading' });
      const up = await fetch(url, { method: 'PUT', body: file, headers: { 'Content-Type': 'application/octet-stream' } });
      expect(up.status).toBe(201);
      await client.call('DiagnosticsStatusNotification', { status: 'Uploaded' });
      const view = await eventually(async () => {
        const v = (await api.get(`/api/v1/diagnostics/${asked.body.id}`)).body;
        return v.status === 'received' && v.chargerStatus === 'Uploaded' ? v : undefined;
      }, 'received and Uploaded');
      expect(view.size).toBe(file.length);
      const download = await fetch(`${a.apiUrl}/api/v1/diagnostics/${asked.body.id}/file`, {
        headers: { Authorization: `Bearer ${stack.env.API_ADMIN_TOKEN}` },
      });
      expect(download.status).toBe(200);
      expect(Buffer.from(await download.arrayBuffer()).equals(file)).toBe(true);
    } finally {
      await client.close();
    }
  });
  test('the simulator as a Zaptec Go on the other gateway: GetDiagnostics, its own upload, received and downloadable', async () => {
    const [a, b] = stack.gateways;
    const api = apiClient(a.apiUrl);
    const ID = 'ZAPINFRADIAG2';
    const charger = new SimulatedCharger({ url: `${b.ocppUrl}/ocpp`, identity: ID, model: 'go', reconnectDelayMs: 100 });
    charger.start();
    try {
      await charger.waitFor('booted');
      const asked = await api.post(`/api/v1/chargers/${ID}/diagnostics`, {});
      expect(asked.status).toBe(201);
      const view = await eventually(async () => {
        const v = (await api.get(`/api/v1/diagnostics/${asked.body.id}`)).body;
        return v.status === 'received' ? v : undefined;
      }, 'received');
      const download = await fetch(`${b.apiUrl}/api/v1/diagnostics/${asked.body.id}/file`, {
        headers: { Authorization: `Bearer ${stack.env.API_ADMIN_TOKEN}` },
      });
      expect(download.status).toBe(200);
      const bytes = Buffer.from(await download.arrayBuffer());
      expect(view.size).toBe(bytes.length);
      // the simulator's file carries its own generation time: everything but that line
      const head = (x: Buffer): string => x.toString().split('\n').slice(0, 3).join('\n');
      expect(head(bytes)).toBe(head(diagnosticsFile(ID, 'Go', '2.4.2.4')));
    } finally {
      await charger.stop();
    }
  });
});
