import { sqlOf } from '#csms/persistence';
/**
 * Wiring: MeteringModule on the real in-process bus through BusTransport, MeteringApiModule over real
 * HTTP, and a one-line stand-in for auth served on its contract subject.
 */
import { InProcessBus, subjects, type ChargerMessage, type ChargerReply, type Subscription } from '#csms/bus';
import { ok, type ServiceReply } from '#csms/http';
import type { MeterValuesRequest, StartTransactionRequest, StartTransactionResponse, StatusNotificationRequest, StopTransactionRequest } from '#csms/ocpp';
import { startServiceHarness, type ServiceHarness } from '#csms/testing';
import type { DataSource } from 'typeorm';
import { MeteringApiModule } from './api/metering-api.module.js';
import { MeteringModule } from './metering.module.js';
import { openTestDatabase } from './test-support/spec-support.js';
import * as meteringVerbs from './verbs.js';
import * as authVerbs from '#csms/auth/verbs';

async function until<T>(probe: () => Promise<T | undefined>): Promise<T> {
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 10));
  }
}

const CP = 'ZAP 1.x*';
const msg = <P>(action: string, payload: P, id = `${action}-${Math.random()}`): ChargerMessage<P> => ({
  chargerId: CP,
  messageId: id,
  action,
  payload,
  receivedAt: '2025-03-01T12:00:00.000Z',
  gatewayId: 'gw-1',
});

describe('MeteringModule + MeteringApiModule on the in-process bus', () => {
  let db: DataSource;
  let closeDb: () => Promise<void>;
  let bus: InProcessBus;
  let harness: ServiceHarness;
  let base: string;
  let auth: Subscription | undefined;

  beforeAll(async () => {
    ({ db, close: closeDb } = await openTestDatabase());
    bus = await InProcessBus.open();
    auth = await bus.serve(
      authVerbs.idTagInfoForStart.subject,
      async (b: { chargerId: string; idTag: string; reservationId?: number }) =>
        ok({
          idTagInfo: { status: b.idTag === 'BAD' ? 'Invalid' : 'Accepted' },
          free: b.idTag === 'FREE',
          ...(b.reservationId === 77 ? { reservationId: 77 } : {}),
        }),
      { queue: 'auth' },
    );
    harness = await startServiceHarness({
      bus,
      db: db,
      serviceName: 'metering',
      service: MeteringModule.forRoot({ authTimeoutMs: 500 }),
      api: [MeteringApiModule],
    });
    base = `${harness.apiBase}`;
  }, 60_000);

  afterAll(async () => {
    await harness?.close();
    await bus?.close();
    await closeDb?.();
  });

  const start = (payload: StartTransactionRequest) =>
    bus.request<ChargerMessage<StartTransactionRequest>, ChargerReply<StartTransactionResponse>>(
      subjects.request('StartTransaction'),
      msg('StartTransaction', payload),
    );
  const get = async (path: string) => {
    const res = await fetch(`${base}${path}`);
    const text = await res.text();
    return { status: res.status, type: res.headers.get('content-type') ?? '', text, json: () => JSON.parse(text) };
  };

  it('answers StartTransaction with auth verdict and a stable transactionId, marks free charging', async () => {
    const p = { connectorId: 1, idTag: 'FREE', meterStart: 1000, timestamp: '2025-03-01T10:00:00.000Z' };
    const a = await start(p);
    const b = await start(p);
    expect(a).toMatchObject({ result: { idTagInfo: { status: 'Accepted' } } });
    expect(b).toEqual(a);
    const id = (a as { result: StartTransactionResponse }).result.transactionId;
    expect((await get(`/transactions/${id}`)).json()).toMatchObject({
      id,
      chargerId: CP,
      connectorId: 1,
      idTag: 'FREE',
      free: true,
      meterStart: 1000,
      state: 'open',
    });
    expect(await start({ ...p, idTag: 'BAD' })).toMatchObject({ result: { idTagInfo: { status: 'Invalid' } } });
  });

  it('passes the reservationId to auth, and tells auth the transaction of a start that used a reservation (only then)', async () => {
    const used: Array<{ reservationId: number; transactionId: number }> = [];
    const sub = await bus.serve(
      authVerbs.reservationUsed.subject,
      async (b: { reservationId: number; transactionId: number }) => {
        used.push(b);
        return ok({ linked: true });
      },
      { queue: 'auth' },
    );
    try {
      const plain = await start({ connectorId: 2, idTag: 'R1', meterStart: 5, timestamp: '2025-03-01T10:05:00.000Z' });
      const reserved = await start({ connectorId: 2, idTag: 'R2', meterStart: 6, timestamp: '2025-03-01T10:06:00.000Z', reservationId: 77 });
      expect(plain).toMatchObject({ result: { idTagInfo: { status: 'Accepted' } } });
      expect(used).toEqual([{ reservationId: 77, transactionId: (reserved as { result: StartTransactionResponse }).result.transactionId }]);
    } finally {
      await sub.unsubscribe();
    }
  });

  it('consumes MeterValues, StopTransaction and StatusNotification from the durable stream and serves them over HTTP', async () => {
    const r = (await start({ connectorId: 2, idTag: 'T2', meterStart: 0, timestamp: '2025-03-01T11:00:00.000Z' })) as { result: StartTransactionResponse };
    const id = r.result.transactionId;
    const sample = (t: string, wh: string, w: string) => ({
      timestamp: t,
      sampledValue: [
        { value: wh },
        { value: w, measurand: 'Power.Active.Import' as const, unit: 'W' as const },
        { value: 'a,"b"', format: 'SignedData' as const },
      ],
    });
    await bus.publishDurable(
      subjects.event(CP, 'MeterValues'),
      msg<MeterValuesRequest>('MeterValues', { connectorId: 2, transactionId: id, meterValue: [sample('2025-03-01T11:30:00.000Z', '5000', '10000')] }),
    );
    await bus.publishDurable(
      subjects.event(CP, 'StopTransaction'),
      msg<StopTransactionRequest>('StopTransaction', { transactionId: id, meterStop: 9000, timestamp: '2025-03-01T12:00:00.000Z' }),
    );
    await bus.publishDurable(
      subjects.event(CP, 'StatusNotification'),
      msg<StatusNotificationRequest>('StatusNotification', {
        connectorId: 2,
        status: 'Finishing',
        errorCode: 'NoError',
        timestamp: '2025-03-01T12:00:01.000Z',
      }),
    );
    const tx = await until(async () => {
      const t = (await get(`/transactions/${id}`)).json();
      return t.state === 'closed' && t.meterValues.length === 3 ? t : undefined;
    });
    expect(tx).toMatchObject({ energyWh: 9000, meterStop: 9000, stopReason: 'Local', meterAnomaly: null });

    const list = (await get(`/transactions?chargerId=${encodeURIComponent(CP)}&state=closed&limit=10`)).json();
    expect(list).toMatchObject({ total: 1, items: [{ id }] });
    expect((await get(`/transactions?free=true`)).json().items.map((t: { idTag: string }) => t.idTag)).toEqual(['FREE']);

    const csv = await get(`/transactions/${id}/meter-values.csv`);
    expect(csv.type).toContain('text/csv');
    expect(csv.text.split('\r\n')[0]).toBe('timestamp,connectorId,transactionId,measurand,phase,location,context,format,unit,value,source,eager,anomaly');
    expect(csv.text).toContain('"a,""b"""');

    expect((await get(`/chargers/${encodeURIComponent(CP)}/power`)).json()).toEqual({
      chargerId: CP,
      connectors: [{ connectorId: 2, powerW: 10000, timestamp: '2025-03-01T11:30:00.000Z', transactionId: id }],
    });
    const mv = (await get(`/chargers/${encodeURIComponent(CP)}/meter-values?measurand=Power.Active.Import&from=2025-03-01T00:00:00Z`)).json();
    expect(mv).toMatchObject({ total: 1, items: [{ valueNum: 10000, unit: 'W' }] });

    const statuses = await until(async () => {
      const reply = await bus.request<unknown, ServiceReply<{ chargers: Record<string, Array<{ status: string }>> }>>(meteringVerbs.connectorStatuses.subject, {
        chargerIds: [CP],
      });
      return reply.ok && reply.data.chargers[CP] ? reply.data.chargers[CP] : undefined;
    });
    expect(statuses).toMatchObject([{ connectorId: 2, status: 'Finishing' }]);
  });

  it('refuses bad queries with 400 naming the field and unknown transactions with 404', async () => {
    const bad = await get('/transactions?state=half&limit=0');
    expect(bad.status).toBe(400);
    expect(
      bad
        .json()
        .errors.map((e: { field: string }) => e.field)
        .sort(),
    ).toEqual(['limit', 'state']);
    expect((await get('/transactions/999999')).status).toBe(404);
    expect((await get('/transactions?orphan=true')).json()).toMatchObject({ total: 0, items: [] });
  });

  it('validates setChargerSettings', async () => {
    const verb = meteringVerbs.setChargerSettings.subject;
    expect(await bus.request(verb, { chargerId: CP, meterValueSampleInterval: 60, eagerDelta: 200 })).toEqual({ ok: true, data: { chargerId: CP } });
    expect(await bus.request(verb, { chargerId: CP, meterValueSampleInterval: -1, eagerDelta: 200 })).toMatchObject({ ok: false, status: 400 });
  });

  it('answers InternalError (the charger retries) when auth is unreachable, stores nothing, and the retries make one transaction', async () => {
    await auth?.unsubscribe();
    auth = undefined;
    const p = { connectorId: 3, idTag: 'T3', meterStart: 7, timestamp: '2025-03-01T13:00:00.000Z' };
    const rows = (): Promise<Array<{ id: number; id_tag_status: string | null }>> =>
      sqlOf(db).query(`SELECT id, id_tag_status FROM metering_transactions WHERE connector_id = 3`);
    // docs/reference/design-decisions.md#starttransaction-with-its-verdict: no "open" transaction without a verdict behind a refusal.
    for (let i = 0; i < 3; i++) expect(await start(p)).toMatchObject({ error: { code: 'InternalError' } });
    expect(await rows()).toEqual([]);
    auth = await bus.serve(authVerbs.idTagInfoForStart.subject, async () => ok({ idTagInfo: { status: 'Accepted' }, free: false }), { queue: 'auth' });
    const answered = await start(p);
    expect(answered).toMatchObject({ result: { idTagInfo: { status: 'Accepted' } } });
    // The charger did not get that answer and retries once more: the same transaction.
    expect(await start(p)).toEqual(answered);
    const stored = await rows();
    expect(stored).toEqual([{ id: (answered as { result: StartTransactionResponse }).result.transactionId, id_tag_status: 'Accepted' }]);
  });
});
