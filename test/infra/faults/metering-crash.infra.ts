/**
 * docs/reference/design-decisions.md#metering, nothing acknowledged lost or doubled: the metering service SIGKILLed and
 * restarted several times while chargers keep
 * sending MeterValues, and NATS restarted once: every MeterValues the gateway acknowledged (CALLRESULT)
 * is in metering_meter_values exactly once, with the value the charger sent; nothing is there twice.
 * A CALLERROR (NATS down) is retried by the charger with the same messageId, as a real charger does.
 * Then an offline queue replayed after a reconnect, and again in the wrong order, leaves one transaction.
 */
import { jest } from '@jest/globals';
import pg from 'pg';
import { createTestDatabase, describeInfra, startNatsServer, type NatsServerHandle } from '#csms/testing';
import { RawCharger } from '../../../tools/soak/raw-charger.js';
import { apiClient } from '../../support/api-client.js';
import { eventually, startService, type ServiceProcess } from '../../support/processes.js';
import { compareWithDatabase, consumerBacklog, meterLoop, type AckedReading } from '../../support/readings.js';

jest.setTimeout(600_000);

const CHARGERS = 20;
const METERING_CRASHES = 3;
const EVENTS_STREAM = 'OCPP_EVENTS';

describeInfra('metering crashes and a NATS restart under MeterValues load', () => {
  let nats: NatsServerHandle;
  let db: { url: string; drop(): Promise<void> };
  let env: Record<string, string>;
  let metering: ServiceProcess;
  let gateway: ServiceProcess;
  const procs: ServiceProcess[] = [];

  beforeAll(async () => {
    nats = await startNatsServer({ jetstream: true });
    db = await createTestDatabase();
    env = { NATS_URL: nats.url, DATABASE_URL: db.url, UNKNOWN_CHARGERS: 'accept' };
    for (const app of ['auth', 'config-manager'] as const) procs.push(await startService({ app, env }));
    metering = await startService({ app: 'metering', env });
    gateway = await startService({ app: 'gateway', env: { ...env, GATEWAY_ID: 'gw-faults' } });
    procs.push(gateway);
  });

  afterAll(async () => {
    for (const p of [...procs.reverse(), metering]) await p?.stop().catch(() => undefined);
    await nats?.dispose();
    await db?.drop();
  });

  const storedRows = async (prefix: string): Promise<number> => {
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    try {
      return Number((await c.query<{ n: string }>(`SELECT count(*) AS n FROM metering_meter_values WHERE charger_id LIKE $1`, [`${prefix}%`])).rows[0].n);
    } finally {
      await c.end();
    }
  };

  test('every acknowledged MeterValues is stored exactly once across metering SIGKILLs and a NATS restart', async () => {
    const base = Date.parse('2026-01-01T00:00:00.000Z');
    const acked: AckedReading[] = [];
    let stop = false;
    const chargers = Array.from(
      { length: CHARGERS },
      (_, i) => new RawCharger({ id: `CRASH${String(i).padStart(3, '0')}`, urls: [gateway.ocppUrl], retryDelayMs: 100 }),
    );
    await Promise.all(chargers.map((c) => c.connect()));
    const loops = chargers.map((c, i) => meterLoop(c, i, base, acked, () => stop));
    const ackedAtLeast = (n: number, what: string): Promise<true> =>
      eventually(async () => (acked.length >= n ? true : undefined), `${n} acknowledged readings (${what})`, 120_000);
    const storedMoreThan = (n: number, what: string): Promise<true> =>
      eventually(async () => ((await storedRows('CRASH')) > n ? true : undefined), `rows beyond ${n} (${what})`, 120_000);

    await ackedAtLeast(400, 'warm-up');
    const kills: string[] = [];
    for (let i = 1; i <= METERING_CRASHES; i++) {
      // Killed while it is writing: it has rows in flight (committed or not, acked or not).
      await storedMoreThan(await storedRows('CRASH'), `metering writing before kill ${i}`);
      await metering.kill();
      kills.push(`kill ${i} at ${acked.length} acked, ${await storedRows('CRASH')} stored`);
      // The gateway keeps acknowledging: JetStream holds the facts while metering is down.
      await ackedAtLeast(acked.length + 200, `while metering is down (${i})`);
      metering = await startService({ app: 'metering', env });
      await ackedAtLeast(acked.length + 200, `after metering restart ${i}`);
    }

    const refusals = (): number => chargers.reduce((s, c) => s + c.counters.callErrors + c.counters.timeouts, 0);
    const errorsBefore = refusals();
    // NATS down long enough for the gateway to refuse (CALLERROR) and the chargers to retry, then back.
    await nats.stop();
    await eventually(async () => (refusals() > errorsBefore + CHARGERS ? true : undefined), 'CALLERRORs while NATS is down', 120_000);
    await nats.restart();
    await ackedAtLeast(acked.length + 400, 'after the NATS restart');
    // Once more while the consumers are resuming after NATS came back.
    await metering.kill();
    metering = await startService({ app: 'metering', env });
    await ackedAtLeast(acked.length + 200, 'after the last metering restart');

    stop = true;
    const sent = await Promise.all(loops);
    const refused = refusals();

    await eventually(
      async () => {
        const b = await consumerBacklog(nats.url, EVENTS_STREAM, 'metering-meter-values');
        return b.pending === 0 && b.ackPending === 0 ? b : undefined;
      },
      'the metering-meter-values consumer to catch up',
      180_000,
    );
    const result = await compareWithDatabase(db.url, 'CRASH', acked);
    const summary = {
      messagesAcked: sent.reduce((a, b) => a + b, 0),
      readingsAcked: acked.length,
      rowsStored: result.rows,
      refusedThenRetried: refused,
      refusedDuringNatsRestart: refused - errorsBefore,
      kills,
    };
    console.log(`metering-crash: ${JSON.stringify(summary)}`);

    expect(result.missing).toEqual([]);
    expect(result.doubled).toEqual([]);
    expect(result.wrongValue).toEqual([]);
    expect(result.unexpected).toEqual([]);
    expect(result.rows).toBe(acked.length);
    await Promise.all(chargers.map((c) => c.stop()));
  });

  test('an offline queue replayed after a reconnect, then in the wrong order, leaves one transaction with the right energy', async () => {
    expect((await apiClient(gateway.apiUrl).post('/api/v1/id-tags', { idTag: 'REPLAY-TAG', status: 'Accepted' })).status).toBe(201);
    const charger = new RawCharger({ id: 'REPLAY001', urls: [gateway.ocppUrl] });
    await charger.connect();
    const t0 = Date.parse('2026-02-01T10:00:00.000Z');
    const start = { connectorId: 1, idTag: 'REPLAY-TAG', meterStart: 10_000, timestamp: new Date(t0).toISOString() };
    const first = await charger.call('StartTransaction', start);
    const transactionId = first.result.transactionId as number;
    expect(transactionId).toEqual(expect.any(Number));
    const register = (wh: number, at: number): Record<string, unknown> => ({
      timestamp: new Date(at).toISOString(),
      sampledValue: [{ value: String(wh), measurand: 'Energy.Active.Import.Register', unit: 'Wh', context: 'Sample.Periodic' }],
    });
    const meter = { connectorId: 1, transactionId, meterValue: [register(10_500, t0 + 600_000), register(11_000, t0 + 1_200_000)] };
    const stopTx = {
      transactionId,
      meterStop: 11_500,
      timestamp: new Date(t0 + 1_800_000).toISOString(),
      reason: 'EVDisconnected',
      transactionData: [register(10_000, t0), register(11_500, t0 + 1_800_000)],
    };
    await charger.call('MeterValues', meter);
    await charger.call('StopTransaction', stopTx);

    // The charger lost the answers, went offline, came back and replays its whole queue (new messageIds).
    await charger.disconnect();
    await charger.resume();
    expect((await charger.call('StartTransaction', start)).result.transactionId).toBe(transactionId);
    await charger.call('MeterValues', meter);
    await charger.call('StopTransaction', stopTx);
    // Then the same queue once more, out of order.
    await charger.call('StopTransaction', stopTx);
    await charger.call('MeterValues', meter);
    expect((await charger.call('StartTransaction', start)).result.transactionId).toBe(transactionId);
    await charger.stop();

    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      // The two Stop events after the first are duplicates; wait until the consumer counted them.
      const txs = await eventually(
        async () => {
          const { rows } = await client.query(
            `SELECT id, meter_start, meter_stop, energy_wh, stop_reason, duplicate_stop_count FROM metering_transactions WHERE charger_id = 'REPLAY001'`,
          );
          return rows.length === 1 && Number(rows[0].duplicate_stop_count) >= 2 ? rows : undefined;
        },
        'the replayed transaction closed once, its duplicate stops counted',
        60_000,
      );
      expect(txs).toHaveLength(1);
      expect(txs[0]).toMatchObject({ id: transactionId, meter_stop: '11500', energy_wh: 1_500, stop_reason: 'EVDisconnected', duplicate_stop_count: 2 });
      const { rows: values } = await client.query(
        `SELECT "timestamp", measurand, count(*)::int AS n FROM metering_meter_values WHERE charger_id = 'REPLAY001' GROUP BY 1, 2 ORDER BY 1`,
      );
      // 10:00 (Stop data), 10:10, 10:20 (MeterValues), 10:30 (Stop data): each once.
      expect(values.map((v) => v.n)).toEqual([1, 1, 1, 1]);
      const energy = await apiClient(gateway.apiUrl).get(`/api/v1/transactions/${transactionId}`);
      expect(energy.body).toMatchObject({ meterStart: 10_000, meterStop: 11_500, energyWh: 1_500 });
    } finally {
      await client.end();
    }
  });
});
