/**
 * One charger's path through the system, checked in the exported spans and in the log lines
 * (docs/deploy.md#37-logs-and-traces): BootNotification, StartTransaction (request/reply to metering, its
 * database write and fact), MeterValues (durable publish, metering's batch consumer, its database batch),
 * and one API request continuing the caller's `traceparent`. The same scenario runs on the all-in-one
 * process (in-process bus) and on the NATS stack.
 */
import { randomBytes } from 'node:crypto';
import { connectRawCharger } from './raw-charger.js';
import { eventually } from './processes.js';
import type { OtlpReceiver, ReceivedSpan } from './otlp-receiver.js';

export interface TraceScenarioTarget {
  ocppUrl: string;
  apiUrl: string;
  receiver: OtlpReceiver;
  /** Every log line written so far by every process of the system. */
  logs(): string;
  /** service.name expected on the gateway's spans and on metering's (the same process in the all-in-one). */
  services: { gateway: string; metering: string };
  /** API_ADMIN_TOKEN where the API needs a token. */
  apiToken?: string;
}

type LogRecord = Record<string, unknown>;

function records(text: string): LogRecord[] {
  const out: LogRecord[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      out.push(JSON.parse(line) as LogRecord);
    } catch {
      /* a line cut by interleaved stdout/stderr */
    }
  }
  return out;
}

/** The spans of one trace once every named one arrived (export is batched). */
async function traceWith(receiver: OtlpReceiver, traceId: string, names: string[]): Promise<ReceivedSpan[]> {
  return eventually(
    async () => {
      const spans = receiver.spans().filter((s) => s.traceId === traceId);
      return names.every((n) => spans.some((s) => s.name.startsWith(n))) ? spans : undefined;
    },
    `spans ${names.join(', ')} in trace ${traceId} (got ${receiver
      .spans()
      .filter((s) => s.traceId === traceId)
      .map((s) => s.name)
      .join(', ')})`,
  );
}

function named(spans: ReceivedSpan[], name: string): ReceivedSpan {
  const found = spans.find((s) => s.name.startsWith(name));
  if (!found) throw new Error(`no span ${name} in ${spans.map((s) => s.name).join(', ')}`);
  return found;
}

/** [child, parent] name pairs: each child span's parent is that span, in the same trace. */
function expectChain(spans: ReceivedSpan[], pairs: Array<[string, string]>): void {
  const broken = pairs.filter(([child, parent]) => named(spans, child).parentSpanId !== named(spans, parent).spanId);
  expect({ broken, spans: broken.length ? spans.map((s) => `${s.service}:${s.name}:${s.spanId}<-${s.parentSpanId}`) : [] }).toEqual({ broken: [], spans: [] });
}

export async function runTraceScenario(t: TraceScenarioTarget): Promise<void> {
  const identity = `TRACE${randomBytes(3).toString('hex').toUpperCase()}`;
  const charger = await connectRawCharger(t.ocppUrl, identity);
  const now = new Date().toISOString();
  charger.send([2, 'boot-1', 'BootNotification', { chargePointVendor: 'Zaptec', chargePointModel: 'Go' }]);
  expect((await charger.reply('boot-1'))[0]).toBe(3);
  charger.send([2, 'start-1', 'StartTransaction', { connectorId: 1, idTag: 'TRACETAG', meterStart: 0, timestamp: now }]);
  const started = await charger.reply('start-1');
  expect(started[0]).toBe(3);
  const transactionId = (started[2] as { transactionId: number }).transactionId;
  charger.send([
    2,
    'mv-1',
    'MeterValues',
    {
      connectorId: 1,
      transactionId,
      meterValue: [{ timestamp: now, sampledValue: [{ value: '1234', measurand: 'Energy.Active.Import.Register', unit: 'Wh' }] }],
    },
  ]);
  expect((await charger.reply('mv-1'))[0]).toBe(3);

  const callSpan = (messageId: string): Promise<ReceivedSpan> =>
    eventually(
      async () => t.receiver.spans().find((s) => s.attributes['ocpp.message_id'] === messageId && s.attributes['ocpp.charger_id'] === identity),
      `the gateway span of ${messageId}`,
    );

  // MeterValues: gateway -> durable publish -> metering's batch consumer -> its database batch
  const mv = await callSpan('mv-1');
  expect(mv).toMatchObject({ name: 'ocpp MeterValues', service: t.services.gateway, parentSpanId: '' });
  const mvTrace = await traceWith(t.receiver, mv.traceId, [
    'publish ocpp.v16.evt.{cp}.MeterValues',
    'process metering-meter-values',
    'metering meter values batch',
  ]);
  expectChain(mvTrace, [
    ['publish ocpp.v16.evt.{cp}.MeterValues', 'ocpp MeterValues'],
    ['process metering-meter-values', 'publish ocpp.v16.evt.{cp}.MeterValues'],
    ['metering meter values batch', 'process metering-meter-values'],
  ]);
  expect(named(mvTrace, 'metering meter values batch').service).toBe(t.services.metering);
  expect(named(mvTrace, 'process metering-meter-values').links).toContain(mv.traceId);

  // StartTransaction: request/reply to metering, its database write, the fact it records
  const st = await callSpan('start-1');
  const stTrace = await traceWith(t.receiver, st.traceId, [
    'request ocpp.v16.req.StartTransaction',
    'serve ocpp.v16.req.StartTransaction',
    'metering transaction start',
    'publish ocpp.v16.fact.{cp}.TransactionStarted',
  ]);
  expectChain(stTrace, [
    ['request ocpp.v16.req.StartTransaction', 'ocpp StartTransaction'],
    ['serve ocpp.v16.req.StartTransaction', 'request ocpp.v16.req.StartTransaction'],
    ['metering transaction start', 'serve ocpp.v16.req.StartTransaction'],
    ['publish ocpp.v16.fact.{cp}.TransactionStarted', 'serve ocpp.v16.req.StartTransaction'],
  ]);
  expect(named(stTrace, 'serve ocpp.v16.req.StartTransaction').service).toBe(t.services.metering);

  // An API request continues the caller's trace and answers its id
  const callerTrace = randomBytes(16).toString('hex');
  const api = await fetchWithTrace(t, `/api/v1/transactions?chargerId=${identity}`, `00-${callerTrace}-${randomBytes(8).toString('hex')}-01`);
  expect(api).toEqual({ status: 200, requestId: callerTrace });
  const apiTrace = await traceWith(t.receiver, callerTrace, [
    'GET /api/v1/transactions',
    'request api.metering.listTransactions',
    'serve api.metering.listTransactions',
  ]);
  expectChain(apiTrace, [
    ['request api.metering.listTransactions', 'GET /api/v1/transactions'],
    ['serve api.metering.listTransactions', 'request api.metering.listTransactions'],
  ]);

  // The log lines of those paths carry the trace id: the gateway's, and metering's consumer's
  const logged = await eventually(async () => {
    const all = records(t.logs());
    const started = all.find((r) => r.event === 'transaction-started' && r.chargerId === identity);
    const stored = all.find((r) => r.event === 'meter-values-stored' && r.traceId === mv.traceId);
    return started && stored ? { started, stored } : undefined;
  }, 'the log lines of the StartTransaction and MeterValues paths');
  expect(logged.started).toMatchObject({ traceId: st.traceId, service: t.services.gateway });
  expect(logged.stored).toMatchObject({ traceId: mv.traceId, service: t.services.metering, context: 'metering' });
  expect(t.receiver.rejected()).toEqual([]);
  charger.ws.close();
  await charger.closed;
}

async function fetchWithTrace(t: TraceScenarioTarget, path: string, traceparent: string): Promise<{ status: number; requestId: string | null }> {
  const res = await fetch(`${t.apiUrl}${path}`, { headers: { traceparent, ...(t.apiToken ? { Authorization: `Bearer ${t.apiToken}` } : {}) } });
  await res.arrayBuffer();
  return { status: res.status, requestId: res.headers.get('x-request-id') };
}
