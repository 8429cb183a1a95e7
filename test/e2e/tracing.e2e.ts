/**
 * Traces and correlated logs on the all-in-one process (in-process bus): with OTEL_EXPORTER_OTLP_ENDPOINT
 * set to a collector of our own, one charger's CALLs and one API request each make one trace across the
 * gateway, the bus hops and metering's database writes, and the log lines of those paths carry its id.
 * The same scenario on NATS: test/infra/tracing.infra.ts.
 */
import { jest } from '@jest/globals';
import { startOtlpReceiver, type OtlpReceiver } from '../support/otlp-receiver.js';
import { WebSocket } from 'ws';
import { eventually, startService, type ServiceProcess } from '../support/processes.js';
import { runTraceScenario } from '../support/trace-scenario.js';

jest.setTimeout(300_000);

let receiver: OtlpReceiver;
let csms: ServiceProcess;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  csms = await startService({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '100', LOG_LEVEL: 'debug', LOG_FORMAT: 'json' } });
});
afterAll(async () => {
  await csms?.stop();
  await receiver?.close();
});

test('a charger CALL, its bus hops and its database batch share one trace id, which its log lines carry', async () => {
  await runTraceScenario({ ocppUrl: csms.ocppUrl, apiUrl: csms.apiUrl, receiver, logs: () => csms.output(), services: { gateway: 'csms', metering: 'csms' } });
});

test('OTEL_SERVICE_NAME names the spans; without an endpoint nothing is exported, but log lines still carry a trace id', async () => {
  const [named, quiet] = await Promise.all([
    startService({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_SERVICE_NAME: 'csms-eu-1', OTEL_BSP_SCHEDULE_DELAY: '100' } }),
    startService({ env: { LOG_LEVEL: 'info', LOG_FORMAT: 'json' } }),
  ]);
  try {
    const traceIds: string[] = [];
    for (const p of [quiet, named]) {
      const res = await fetch(`${p.apiUrl}/api/v1/transactions`);
      expect(res.status).toBe(200);
      traceIds.push(String(res.headers.get('x-request-id')));
    }
    const [quietTrace, namedTrace] = traceIds;
    expect(quietTrace).toMatch(/^[0-9a-f]{32}$/);
    await eventually(
      async () => (receiver.spans().some((s) => s.traceId === namedTrace && s.service === 'csms-eu-1') ? true : undefined),
      'a span named by OTEL_SERVICE_NAME',
    );
    // the process without an endpoint exported nothing: its request, made first, has no span
    expect(receiver.spans().filter((s) => s.traceId === quietTrace)).toEqual([]);
    // a refused charger's connection attempt is traced in its logs too
    await new Promise<void>((resolve) => {
      const ws = new WebSocket(`${quiet.ocppUrl}/ZAPQUIET1`, ['ocpp1.6'], {
        headers: { Authorization: 'Basic ' + Buffer.from('ZAPQUIET1:wrong-password-123').toString('base64') },
      });
      ws.once('open', () => (ws.close(), resolve()));
      ws.once('unexpected-response', () => (ws.terminate(), resolve()));
      ws.once('error', () => resolve());
    });
    const connected = await eventually(
      async () =>
        quiet
          .output()
          .split('\n')
          .find((l) => l.includes('"event":"connected"') && l.includes('ZAPQUIET1')),
      'the connected line',
    );
    expect(JSON.parse(connected).traceId).toMatch(/^[0-9a-f]{32}$/);
  } finally {
    await named.stop();
    await quiet.stop();
  }
});
