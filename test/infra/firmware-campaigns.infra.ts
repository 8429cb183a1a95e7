/**
 * Firmware campaigns on the production shape (NATS JetStream + PostgreSQL, auth, config-manager and metering as
 * their own processes, two gateways): a plain and a signed campaign (docs/api-firmware-campaigns.md) over
 * simulated chargers split between the gateways, with config-manager SIGKILLed and started again while both are
 * in flight. The notifications the chargers sent meanwhile wait in the stream for the durable consumers; the
 * boots that failed while it was down are retried by the chargers; both campaigns complete, every charger on
 * the target version.
 */
import { jest } from '@jest/globals';
import { describeInfra } from '#csms/testing';
import { SimulatedCharger, type SimulatedChargerOptions } from '../../apps/simulator/src/index.js';
import { apiClient } from '../support/api-client.js';
import { eventually, startService } from '../support/processes.js';
import { startProductionStack, type ProductionStack } from '../support/production-stack.js';

jest.setTimeout(300_000);

const PEM = '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUSIMULATED\n-----END CERTIFICATE-----';

interface Campaign {
  state: string;
  counts: Record<string, number>;
  chargers: { items: Array<{ chargerId: string; state: string; reason: string | null }> };
}

describeInfra('firmware campaigns on NATS + PostgreSQL', () => {
  let stack: ProductionStack;
  const sims: SimulatedCharger[] = [];

  beforeAll(async () => {
    stack = await startProductionStack([{}, {}]);
  });
  afterAll(async () => {
    await Promise.all(sims.map((s) => s.stop()));
    await stack?.stop();
  });

  test('a plain and a signed campaign across chargers on two gateways complete through a config-manager SIGKILL and restart', async () => {
    const api = apiClient(stack.gateways[0].apiUrl);
    const sim = (identity: string, gateway: number, options: Partial<SimulatedChargerOptions>): SimulatedCharger => {
      const c = new SimulatedCharger({
        url: `${stack.gateways[gateway].ocppUrl}/ocpp`,
        identity,
        model: 'go',
        reconnectDelayMs: 200,
        rebootDelayMs: 300,
        bootRetrySeconds: 1,
        // Slow enough that the restart lands while chargers are still updating.
        firmwareStepMs: 1_500,
        ...options,
      });
      sims.push(c);
      c.start();
      return c;
    };
    const plainIds = ['FWINF-P1', 'FWINF-P2', 'FWINF-P3', 'FWINF-P4'];
    const signedIds = ['FWINF-S1', 'FWINF-S2', 'FWINF-S3', 'FWINF-S4'];
    const plain = plainIds.map((id, i) => sim(id, i % 2, {}));
    const signed = signedIds.map((id, i) => sim(id, i % 2, { model: 'go2', firmwareVersion: '3.2.1.0', securityExtension: true }));
    await Promise.all([...plain, ...signed].map((c) => c.waitFor('booted')));
    for (const id of signedIds)
      await eventually(
        async () => ((await api.get(`/api/v1/chargers/${id}/configuration`)).body?.reported?.keys?.length > 0 ? true : undefined),
        `${id} configuration read`,
        60_000,
      );

    const policy = { waveSize: 2, failureThresholdPct: 0, perChargerTimeoutS: 600 };
    const a = await api.post('/api/v1/firmware-campaigns', {
      target: { chargerIds: plainIds },
      targetVersion: '2.5.0.0',
      location: 'https://firmware.example.com/zaptec/go/2.5.0.0.bin',
      policy,
    });
    const b = await api.post('/api/v1/firmware-campaigns', {
      target: { chargerIds: signedIds },
      targetVersion: '3.3.0.0',
      location: 'https://firmware.example.com/zaptec/go2/3.3.0.0.bin',
      signedFirmware: { signingCertificate: PEM, signature: 'c2lnbmF0dXJl' },
      policy,
    });
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(b.body.counts).toEqual({ pending: 4 });
    const campaign = async (id: string): Promise<Campaign> => (await api.get(`/api/v1/firmware-campaigns/${id}`)).body as Campaign;
    const ids = [a.body.campaignId as string, b.body.campaignId as string];

    // Both first waves reported progress: then config-manager dies mid-campaign.
    await eventually(
      async () => {
        const now = await Promise.all(ids.map(campaign));
        return now.every((c) => c.chargers.items.some((r) => ['downloading', 'downloaded', 'installing'].includes(r.state))) ? true : undefined;
      },
      'both campaigns updating their first wave',
      60_000,
    );
    const before = await Promise.all(ids.map(campaign));
    expect(before.map((c) => c.state)).toEqual(['running', 'running']);
    expect(before.map((c) => c.counts.pending)).toEqual([2, 2]);
    await stack.services['config-manager'].kill();
    stack.services['config-manager'] = await startService({ app: 'config-manager', env: stack.env });

    const done = await eventually(
      async () => {
        const now = await Promise.all(ids.map(campaign));
        if (now.every((c) => c.state === 'completed')) return now;
        throw new Error(now.map((c) => `${c.state} ${JSON.stringify(c.counts)}`).join('; '));
      },
      'both campaigns completed',
      240_000,
    );
    expect(done.map((c) => c.counts)).toEqual([{ succeeded: 4 }, { succeeded: 4 }]);
    expect(plain.map((c) => c.firmwareVersion)).toEqual(['2.5.0.0', '2.5.0.0', '2.5.0.0', '2.5.0.0']);
    expect(signed.map((c) => c.firmwareVersion)).toEqual(['3.3.0.0', '3.3.0.0', '3.3.0.0', '3.3.0.0']);
    // The registry saw each charger's boot with its new version, whichever gateway it is on.
    for (const id of [...plainIds, ...signedIds])
      expect([id, (await api.get(`/api/v1/chargers/${id}`)).body.boot.firmwareVersion]).toEqual([id, id.startsWith('FWINF-P') ? '2.5.0.0' : '3.3.0.0']);
  });
});
