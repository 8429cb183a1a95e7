/**
 * The secrets scenario of test/e2e/secrets-in-logs.e2e.ts on the separate services, with what production
 * adds: NATS requiring a password (NATS_USER/NATS_PASSWORD) and traces exported with an API-key header
 * (OTEL_EXPORTER_OTLP_HEADERS). Every process logs at debug, as JSON; none may write any of the secrets.
 */
import { randomBytes } from 'node:crypto';
import { jest } from '@jest/globals';
import { describeInfra } from '#csms/testing';
import { startOtlpReceiver, type OtlpReceiver } from '../support/otlp-receiver.js';
import { startProductionStack, type ProductionStack } from '../support/production-stack.js';
import { runSecretsScenario } from '../support/secrets-scenario.js';

jest.setTimeout(300_000);

describeInfra('no secret in the logs of the separate services (NATS with a password, traces with an API key)', () => {
  let stack: ProductionStack;
  let receiver: OtlpReceiver;
  const natsPassword = `nats-${randomBytes(12).toString('hex')}`;
  const exporterKey = `otlp-${randomBytes(12).toString('hex')}`;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    stack = await startProductionStack(
      [{}],
      {
        NATS_USER: 'csms',
        NATS_PASSWORD: natsPassword,
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_EXPORTER_OTLP_HEADERS: `api-key=${exporterKey}`,
        UNKNOWN_CHARGERS: 'reject',
        LOG_LEVEL: 'debug',
        LOG_FORMAT: 'json',
      },
      `authorization { users: [ { user: csms, password: "${natsPassword}" } ] }\n`,
    );
  });
  afterAll(async () => {
    await stack?.stop();
    await receiver?.close();
  });

  test("tokens, charger passwords, the rotated key, the NATS password and the exporter key appear in no process's output", async () => {
    const gateway = stack.gateways[0];
    const processes = [gateway, ...Object.values(stack.services)];
    await runSecretsScenario({
      ocppUrl: gateway.ocppUrl,
      apiUrl: gateway.apiUrl,
      adminToken: stack.env.API_ADMIN_TOKEN,
      deploymentSecrets: [
        ['NATS_PASSWORD', natsPassword],
        ['OTEL_EXPORTER_OTLP_HEADERS key', exporterKey],
      ],
      stopAndCollectLogs: async () => {
        for (const p of processes) await p.stop();
        return processes.map((p) => p.output()).join('\n');
      },
    });
    // the services ran on the password-protected NATS and exported spans with the key
    expect(receiver.spans().length).toBeGreaterThan(0);
  });
});
