/**
 * The trace scenario of test/e2e/tracing.e2e.ts on the separate services (NATS JetStream + PostgreSQL):
 * the trace context crosses process boundaries in NATS message headers, so the gateway's span of a
 * charger CALL, the hops through NATS and metering's database batch share one trace id, and the log lines
 * of the gateway and of metering carry it.
 */
import { jest } from '@jest/globals';
import { describeInfra } from '#csms/testing';
import { startOtlpReceiver, type OtlpReceiver } from '../support/otlp-receiver.js';
import { startProductionStack, type ProductionStack } from '../support/production-stack.js';
import { runTraceScenario } from '../support/trace-scenario.js';

jest.setTimeout(300_000);

describeInfra('traces and correlated logs across the separate services (NATS JetStream + PostgreSQL)', () => {
  let receiver: OtlpReceiver;
  let stack: ProductionStack;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    stack = await startProductionStack([{}], {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_BSP_SCHEDULE_DELAY: '100',
      LOG_LEVEL: 'debug',
      LOG_FORMAT: 'json',
    });
  });
  afterAll(async () => {
    await stack?.stop();
    await receiver?.close();
  });

  test('a charger CALL through the gateway, NATS and metering is one trace; both services log its id', async () => {
    const gateway = stack.gateways[0];
    await runTraceScenario({
      ocppUrl: gateway.ocppUrl,
      apiUrl: gateway.apiUrl,
      apiToken: stack.env.API_ADMIN_TOKEN,
      receiver,
      logs: () => [gateway, ...Object.values(stack.services)].map((p) => p.output()).join('\n'),
      services: { gateway: 'gateway', metering: 'metering' },
    });
  });
});
