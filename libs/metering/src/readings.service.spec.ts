import { jest } from '@jest/globals';
import { sqlOf, type Sql } from '#csms/persistence';
import type { DataSource } from 'typeorm';
import type { MeterValuesRequest } from '#csms/ocpp';
import { openTestDatabase } from './test-support/spec-support.js';
import { MeterValueWriter } from './meter-value-writer.js';
import { ReadingsService } from './readings.service.js';
import { TransactionsService } from './transactions.service.js';

let db: DataSource;
let close: () => Promise<void>;
let readings: ReadingsService;

beforeAll(async () => {
  ({ db, close } = await openTestDatabase());
  readings = new ReadingsService(db, new TransactionsService(db));
}, 60_000); // opening the embedded database takes seconds on a busy machine
afterAll(async () => close());

const T0 = Date.parse('2025-02-01T00:00:00Z');
const at = (sec: number) => new Date(T0 + sec * 1000).toISOString();
const mv = (chargerId: string, payload: MeterValuesRequest) => ({ chargerId, payload, receivedAt: at(0) });
type Row = {
  timestamp: Date;
  measurand: string;
  phase: string | null;
  value_num: number | null;
  value_raw: string;
  eager: boolean;
  anomaly: string | null;
  context: string;
  format: string;
  unit: string;
  location: string;
};
const rowsOf = async (chargerId: string): Promise<Row[]> =>
  sqlOf(db).query(`SELECT * FROM metering_meter_values WHERE charger_id = $1 ORDER BY "timestamp", measurand, phase NULLS FIRST`, [chargerId]);

describe('MeterValues batches', () => {
  it('applies the OCPP defaults, keeps SignedData and text raw, and stores the same batch twice only once', async () => {
    const batch = [
      mv('CP-B', {
        connectorId: 1,
        meterValue: [{ timestamp: at(10), sampledValue: [{ value: '12.5' }, { value: '230', measurand: 'Voltage', phase: 'L1', unit: 'V' }] }],
      }),
      mv('CP-B', {
        connectorId: 0,
        meterValue: [
          {
            timestamp: at(10),
            sampledValue: [
              { value: 'AbC=', format: 'SignedData' },
              { value: 'n/a', measurand: 'Temperature', unit: 'Celsius' },
            ],
          },
        ],
      }),
    ];
    expect(await readings.meterValuesBatch(batch)).toBe(4);
    expect(await readings.meterValuesBatch(batch)).toBe(0);
    expect(await readings.meterValuesBatch([...batch, ...batch])).toBe(0);
    const rows = await rowsOf('CP-B');
    expect(rows).toHaveLength(4);
    const def = rows.find((r) => r.value_raw === '12.5');
    expect(def).toMatchObject({
      measurand: 'Energy.Active.Import.Register',
      context: 'Sample.Periodic',
      format: 'Raw',
      location: 'Outlet',
      unit: 'Wh',
      phase: null,
      value_num: 12.5,
    });
    expect(rows.find((r) => r.value_raw === 'AbC=')).toMatchObject({ format: 'SignedData', value_num: null });
    expect(rows.find((r) => r.value_raw === 'n/a')).toMatchObject({ value_num: null, unit: 'Celsius' });
  });

  it('stores raw values with array-literal syntax in them unchanged (one array parameter per column)', async () => {
    const nasty = ['a,b', '{x}', '"quoted"', 'back\\slash', 'NULL', '', ' spaced ', "it's"];
    const batch = [
      mv('CP-ARR', {
        connectorId: 1,
        meterValue: nasty.map((value, i) => ({ timestamp: at(i), sampledValue: [{ value, measurand: 'Temperature' as const, unit: 'Celsius' as const }] })),
      }),
    ];
    expect(await readings.meterValuesBatch(batch)).toBe(nasty.length);
    expect((await rowsOf('CP-ARR')).map((r) => r.value_raw)).toEqual(nasty);
    expect(await readings.meterValuesBatch(batch)).toBe(0);
  });

  it('stores a batch larger than one multi-row VALUES statement could carry (65535 parameters) in one go', async () => {
    const many = Array.from({ length: 5000 }, (_, i) =>
      mv('CP-BIG', { connectorId: 1, meterValue: [{ timestamp: at(i), sampledValue: [{ value: String(i) }] }] }),
    );
    expect(await readings.meterValuesBatch(many)).toBe(5000);
    expect(await readings.meterValuesBatch(many)).toBe(0);
  });

  it('flags a register that goes backwards, within a batch and against stored readings, kWh included', async () => {
    await readings.meterValuesBatch([mv('CP-R', { connectorId: 1, meterValue: [{ timestamp: at(0), sampledValue: [{ value: '5000' }] }] })]);
    await readings.meterValuesBatch([
      mv('CP-R', {
        connectorId: 1,
        meterValue: [
          { timestamp: at(60), sampledValue: [{ value: '4.9', unit: 'kWh' }] },
          { timestamp: at(120), sampledValue: [{ value: '5100' }] },
        ],
      }),
      mv('CP-R', { connectorId: 1, meterValue: [{ timestamp: at(180), sampledValue: [{ value: '5050' }] }] }),
    ]);
    const rows = await rowsOf('CP-R');
    expect(rows.map((r) => r.anomaly)).toEqual([null, 'register-backwards', null, 'register-backwards']);
  });

  it('marks eager samples and flags early samples without a power change (timed sequence through the database)', async () => {
    await readings.setChargerSettings({ chargerId: 'CP-E', meterValueSampleInterval: 3600, eagerDelta: 200 });
    const sample = (sec: number, powerW: number) => ({
      timestamp: at(sec),
      sampledValue: [{ value: String(sec) }, { value: String(powerW), measurand: 'Power.Active.Import' as const, unit: 'W' as const }],
    });
    // regular first sample, then an eager one (300 -> 600 W after 600 s), then a regular one an interval
    // after the eager one, then one early without the power moving.
    await readings.meterValuesBatch([mv('CP-E', { connectorId: 1, meterValue: [sample(0, 300)] })]);
    await readings.meterValuesBatch([mv('CP-E', { connectorId: 1, meterValue: [sample(600, 600), sample(4200, 620)] })]);
    await readings.meterValuesBatch([mv('CP-E', { connectorId: 1, meterValue: [sample(5000, 640)] })]);
    const rows = (await rowsOf('CP-E')).filter((r) => r.measurand === 'Power.Active.Import');
    expect(rows.map((r) => [r.eager, r.anomaly])).toEqual([
      [false, null],
      [true, null],
      [false, null],
      [false, 'early-without-power-change'],
    ]);
  });

  it('restarts the sample timer with each transaction and checks nothing for chargers without settings', async () => {
    await readings.setChargerSettings({ chargerId: 'CP-E2', meterValueSampleInterval: 60, eagerDelta: 0 });
    const s = (sec: number, transactionId: number) => ({
      connectorId: 1,
      transactionId,
      meterValue: [{ timestamp: at(sec), sampledValue: [{ value: String(sec) }] }],
    });
    await readings.meterValuesBatch([
      mv('CP-E2', s(0, 901)),
      mv('CP-E2', s(10, 902)),
      mv('CP-E2', s(20, 902)),
      mv('CP-NOSET', s(0, 903)),
      mv('CP-NOSET', s(1, 903)),
    ]);
    expect((await rowsOf('CP-E2')).map((r) => r.anomaly)).toEqual([null, null, 'early-without-power-reading']);
    expect((await rowsOf('CP-NOSET')).map((r) => r.anomaly)).toEqual([null, null]);
  });

  it('stores a MeterValues batch without BEGIN/COMMIT around its read and its one INSERT', async () => {
    const runners: Array<{ transactions: number }> = [];
    const create = db.createQueryRunner.bind(db);
    const spy = jest.spyOn(db, 'createQueryRunner').mockImplementation((...args) => {
      const runner = create(...args);
      const seen = { transactions: 0 };
      runners.push(seen);
      const start = runner.startTransaction.bind(runner);
      runner.startTransaction = (...a) => (seen.transactions++, start(...a));
      return runner;
    });
    try {
      const stored = await readings.meterValuesBatch([
        mv('CP-NOTX', { connectorId: 1, meterValue: [{ timestamp: at(5), sampledValue: [{ value: '7', measurand: 'Energy.Active.Import.Register' }] }] }),
      ]);
      expect(stored).toBe(1);
    } finally {
      spy.mockRestore();
    }
    expect(runners).toHaveLength(2); // the context read and the INSERT, each on a connection of its own
    expect(runners.map((r) => r.transactions)).toEqual([0, 0]);
    expect((await rowsOf('CP-NOTX')).map((r) => r.value_num)).toEqual([7]);
  });

  it('reads and writes a batch of many chargers in two statements, with every charger flagged against its own stored sample', async () => {
    const chargers = Array.from({ length: 20 }, (_, i) => `CP-MANY-${i}`);
    for (const chargerId of chargers) await readings.setChargerSettings({ chargerId, meterValueSampleInterval: 60, eagerDelta: 100 });
    const sample = (chargerId: string, sec: number, powerW: number) => ({
      chargerId,
      connectorId: 1,
      transactionId: null,
      source: 'MeterValues' as const,
      receivedAt: at(sec),
      meterValue: [{ timestamp: at(sec), sampledValue: [{ value: String(powerW), measurand: 'Power.Active.Import' as const, unit: 'W' as const }] }],
    });
    const statements: string[] = [];
    const counting = (q: Sql): Sql => ({
      query: (sql, params) => (statements.push(sql), q.query(sql, params)),
      execute: (sql, params) => (statements.push(sql), q.execute(sql, params)),
      transaction: (fn) => q.transaction((tx) => fn(counting(tx))),
    });
    const writer = new MeterValueWriter();
    await sqlOf(db).transaction((q) =>
      writer.write(
        counting(q),
        chargers.map((c) => sample(c, 0, 1000)),
      ),
    );
    statements.length = 0;
    // 10 s later, early: the odd chargers' power moved by more than the delta (eager), the even ones' did not.
    const stored = await sqlOf(db).transaction((q) =>
      writer.write(
        counting(q),
        chargers.map((c, i) => sample(c, 10, i % 2 ? 2000 : 1000)),
      ),
    );
    expect(stored).toBe(chargers.length);
    expect(statements).toHaveLength(2);
    for (const [i, chargerId] of chargers.entries()) {
      expect((await rowsOf(chargerId)).map((r) => [r.eager, r.anomaly])).toEqual([[false, null], i % 2 ? [true, null] : [false, 'early-without-power-change']]);
    }
  });
});
