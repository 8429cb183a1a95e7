import { sqlOf } from '#csms/persistence';
import type { MeteringConnectorStatusRow, MeteringMeterValuesRow } from './readings.service.rows.js';
import type { MeteringTransactionsRow } from './transactions.service.rows.js';
import type { DataSource } from 'typeorm';
import type { MeterValuesRequest, StopTransactionRequest } from '#csms/ocpp';
import { openTestDatabase } from './test-support/spec-support.js';
import { ReadingsService } from './readings.service.js';
import { TransactionsService } from './transactions.service.js';

let db: DataSource;
let close: () => Promise<void>;
let tx: TransactionsService;
let readings: ReadingsService;
let seq = 1;

beforeAll(async () => {
  ({ db, close } = await openTestDatabase());
  tx = new TransactionsService(db);
  readings = new ReadingsService(db, tx);
}, 60_000); // opening the embedded database takes seconds on a busy machine
afterAll(async () => close());

const T0 = Date.parse('2025-01-01T10:00:00Z');
const at = (sec: number) => new Date(T0 + sec * 1000).toISOString();
const reg = (sec: number, wh: number, extra: Record<string, string> = {}) => ({ timestamp: at(sec), sampledValue: [{ value: String(wh), ...extra }] });
const stopEv = (chargerId: string, request: StopTransactionRequest) => ({ chargerId, request, seq: seq++, receivedAt: at(10_000) });
const mv = (chargerId: string, payload: MeterValuesRequest) => ({ chargerId, payload, receivedAt: at(10_000) });

async function txRow(id: number) {
  const rows = await sqlOf(db).query<MeteringTransactionsRow>(`SELECT * FROM metering_transactions WHERE id = $1`, [id]);
  return rows[0];
}
async function count(sql: string, params: unknown[]) {
  const rows = await sqlOf(db).query<{ n: string | number }>(sql, params);
  return Number(rows[0].n);
}

const ACCEPTED = { idTagStatus: 'Accepted', free: false };

describe('StartTransaction', () => {
  it('is idempotent on its natural key and takes ids from the sequence', async () => {
    const req = { connectorId: 1, idTag: 'TAG1', meterStart: 1000, timestamp: at(0) };
    const a = await tx.recordStart('CP-START', req, ACCEPTED);
    const b = await tx.recordStart('CP-START', { ...req }, ACCEPTED);
    expect(a.created).toBe(true);
    expect(b).toEqual({ transactionId: a.transactionId, created: false });
    const c = await tx.recordStart('CP-START', { ...req, meterStart: 1001 }, ACCEPTED);
    expect(c.transactionId).toBeGreaterThan(a.transactionId);
    expect(await txRow(a.transactionId)).toMatchObject({ id_tag_status: 'Accepted', free: false });
    // A replay stores the verdict it was answered with (auth's answer may have changed meanwhile).
    expect(await tx.recordStart('CP-START', req, { idTagStatus: 'Blocked', free: true })).toEqual({ transactionId: a.transactionId, created: false });
    expect(await txRow(a.transactionId)).toMatchObject({ id_tag_status: 'Blocked', free: true });
  });
});

describe('StopTransaction', () => {
  it('closes once; a second stop changes nothing and is counted once per stream message', async () => {
    const { transactionId } = await tx.recordStart('CP-STOP', { connectorId: 1, idTag: 'T', meterStart: 500, timestamp: at(0) }, ACCEPTED);
    const first = stopEv('CP-STOP', { transactionId, meterStop: 1500, timestamp: at(3600) });
    expect(await tx.stopBatch([first])).toEqual(['closed']);
    expect(await tx.stopBatch([first])).toEqual(['closed']); // redelivery of the closing message: not a duplicate
    let row = await txRow(transactionId);
    expect([Number(row.meter_stop), row.energy_wh, row.stop_reason, row.closed_by]).toEqual([1500, 1000, 'Local', 'StopTransaction']);
    const dup = stopEv('CP-STOP', { transactionId, meterStop: 9999, timestamp: at(4000), reason: 'Remote' });
    expect(await tx.stopBatch([dup])).toEqual(['duplicate']);
    expect(await tx.stopBatch([dup])).toEqual(['duplicate']); // redelivery of the same message
    row = await txRow(transactionId);
    expect([Number(row.meter_stop), row.energy_wh, row.stop_reason, row.duplicate_stop_count]).toEqual([1500, 1000, 'Local', 1]);
  });

  it('records an unknown transactionId (-1) as an orphan, once', async () => {
    const ev = stopEv('CP-ORPHAN', { transactionId: -1, meterStop: 42, timestamp: at(10), transactionData: [reg(10, 42)] });
    expect(await tx.stopBatch([ev])).toEqual(['orphan']);
    expect(await tx.stopBatch([{ ...ev, seq: seq++ }])).toEqual(['orphan']);
    expect(await count(`SELECT count(*) AS n FROM metering_orphan_stops WHERE charger_id = $1 AND transaction_id = -1`, ['CP-ORPHAN'])).toBe(1);
    expect(await count(`SELECT count(*) AS n FROM metering_meter_values WHERE charger_id = $1 AND transaction_id IS NULL`, ['CP-ORPHAN'])).toBe(1);
  });

  it('merges transactionData with the stored MeterValues without doubling', async () => {
    const { transactionId } = await tx.recordStart('CP-MERGE', { connectorId: 1, idTag: 'T', meterStart: 0, timestamp: at(0) }, ACCEPTED);
    const begin = reg(0, 0, { context: 'Transaction.Begin' });
    await readings.meterValuesBatch([mv('CP-MERGE', { connectorId: 1, transactionId, meterValue: [reg(60, 100), reg(120, 200)] })]);
    // Thinned stop data: one reading already stored (given with its defaults spelled out), Begin and End new.
    const sameReading = {
      timestamp: at(120),
      sampledValue: [
        {
          value: '200',
          context: 'Sample.Periodic' as const,
          measurand: 'Energy.Active.Import.Register' as const,
          location: 'Outlet' as const,
          unit: 'Wh' as const,
        },
      ],
    };
    await tx.stopBatch([
      stopEv('CP-MERGE', {
        transactionId,
        meterStop: 300,
        timestamp: at(180),
        transactionData: [begin, sameReading, reg(180, 300, { context: 'Transaction.End' })],
      }),
    ]);
    expect(await count(`SELECT count(*) AS n FROM metering_meter_values WHERE transaction_id = $1`, [transactionId])).toBe(4);
    expect((await txRow(transactionId)).energy_wh).toBe(300);
  });

  it('takes the energy from the registers when meterStart is 2147483647, and flags it', async () => {
    const { transactionId } = await tx.recordStart('CP-2P31', { connectorId: 1, idTag: 'T', meterStart: 2147483647, timestamp: at(0) }, ACCEPTED);
    await readings.meterValuesBatch([mv('CP-2P31', { connectorId: 1, transactionId, meterValue: [reg(0, 4296944685), reg(1800, 4296949685)] })]);
    await tx.stopBatch([stopEv('CP-2P31', { transactionId, meterStop: 4296951685, timestamp: at(3600) })]);
    const row = await txRow(transactionId);
    expect(row.energy_wh).toBe(5000);
    expect(row.meter_anomaly).toContain('meter-start-out-of-range');
  });

  it('gives null energy and an anomaly when meterStart is implausible and there are no registers', async () => {
    const { transactionId } = await tx.recordStart('CP-NOREG', { connectorId: 1, idTag: 'T', meterStart: 2147483647, timestamp: at(0) }, ACCEPTED);
    await tx.stopBatch([stopEv('CP-NOREG', { transactionId, meterStop: 2147493647, timestamp: at(3600) })]);
    const row = await txRow(transactionId);
    expect(row.energy_wh).toBeNull();
    expect(row.meter_anomaly).toMatch(/meter-start-out-of-range/);
  });
});

describe('late readings and reboots', () => {
  it('links a late reading to the closed transaction and leaves its energy unchanged', async () => {
    const { transactionId } = await tx.recordStart('CP-LATE', { connectorId: 2, idTag: 'T', meterStart: 100, timestamp: at(0) }, ACCEPTED);
    await tx.stopBatch([stopEv('CP-LATE', { transactionId, meterStop: 1100, timestamp: at(600) })]);
    await readings.meterValuesBatch([
      mv('CP-LATE', { connectorId: 2, transactionId, meterValue: [reg(599, 1100)] }), // with id, after stop
      mv('CP-LATE', { connectorId: 2, meterValue: [reg(650, 1100, { measurand: 'Energy.Active.Import.Register', context: 'Sample.Clock' })] }), // no id, within 120 s
      mv('CP-LATE', { connectorId: 2, meterValue: [reg(900, 1100, { context: 'Sample.Clock' })] }), // no id, too late
    ]);
    const linked = await sqlOf(db).query<Pick<MeteringMeterValuesRow, 'timestamp' | 'transaction_id'>>(
      `SELECT "timestamp", transaction_id FROM metering_meter_values WHERE charger_id = 'CP-LATE' ORDER BY "timestamp"`,
    );
    expect(linked.map((r: { transaction_id: number | null }) => r.transaction_id)).toEqual([transactionId, transactionId, null]);
    const row = await txRow(transactionId);
    expect([Number(row.meter_stop), row.energy_wh, row.closed_by]).toEqual([1100, 1000, 'StopTransaction']);
  });

  it('closes an open transaction as Reboot on Available, and a late real Stop replaces it', async () => {
    const { transactionId } = await tx.recordStart('CP-BOOT', { connectorId: 1, idTag: 'T', meterStart: 0, timestamp: at(0) }, ACCEPTED);
    await readings.meterValuesBatch([mv('CP-BOOT', { connectorId: 1, transactionId, meterValue: [reg(0, 0), reg(900, 2500)] })]);
    const res = await readings.statusBatch([
      { chargerId: 'CP-BOOT', payload: { connectorId: 1, status: 'Available', errorCode: 'NoError', timestamp: at(1200) }, receivedAt: at(1200) },
    ]);
    expect(res.closedByReboot).toEqual([transactionId]);
    let row = await txRow(transactionId);
    expect([Number(row.meter_stop), row.energy_wh, row.stop_reason, row.closed_by]).toEqual([2500, 2500, 'Reboot', 'Reboot']);
    await tx.stopBatch([stopEv('CP-BOOT', { transactionId, meterStop: 2600, timestamp: at(1000), reason: 'PowerLoss' })]);
    row = await txRow(transactionId);
    expect([Number(row.meter_stop), row.energy_wh, row.stop_reason, row.closed_by]).toEqual([2600, 2600, 'PowerLoss', 'StopTransaction']);
  });

  it('keeps the latest connector status by timestamp', async () => {
    const ev = (status: 'Charging' | 'Faulted', sec: number) => ({
      chargerId: 'CP-ST',
      payload: { connectorId: 1, status, errorCode: 'NoError' as const, timestamp: at(sec) },
      receivedAt: at(sec),
    });
    await readings.statusBatch([ev('Charging', 20), ev('Faulted', 10)]);
    await readings.statusBatch([ev('Faulted', 5)]);
    const rows = await sqlOf(db).query<Pick<MeteringConnectorStatusRow, 'status'>>(`SELECT status FROM metering_connector_status WHERE charger_id = 'CP-ST'`);
    expect(rows).toEqual([{ status: 'Charging' }]);
  });
});

describe('replayed offline queues', () => {
  it('leave exactly one transaction with the right energy, replayed in order and then out of order', async () => {
    const start = { connectorId: 1, idTag: 'Q', meterStart: 10_000, timestamp: at(0) };
    const values = { connectorId: 1, meterValue: [reg(0, 10_000, { context: 'Transaction.Begin' }), reg(900, 12_000), reg(1800, 14_000)] };
    const run = async (order: 'in' | 'reversed') => {
      const { transactionId } = await tx.recordStart('CP-Q', start, ACCEPTED);
      const stop = () => tx.stopBatch([stopEv('CP-Q', { transactionId, meterStop: 15_000, timestamp: at(2000), reason: 'EVDisconnected' })]);
      const meter = () => readings.meterValuesBatch([mv('CP-Q', { ...values, transactionId })]);
      if (order === 'in') {
        await meter();
        await stop();
      } else {
        await stop();
        await meter();
      }
      return transactionId;
    };
    const first = await run('in');
    expect(await run('in')).toBe(first);
    expect(await run('reversed')).toBe(first);
    expect(await count(`SELECT count(*) AS n FROM metering_transactions WHERE charger_id = 'CP-Q'`, [])).toBe(1);
    expect(await count(`SELECT count(*) AS n FROM metering_meter_values WHERE charger_id = 'CP-Q'`, [])).toBe(3);
    const row = await txRow(first);
    expect([row.energy_wh, row.meter_anomaly, row.stop_reason, row.duplicate_stop_count]).toEqual([5000, null, 'EVDisconnected', 2]);
  });
});
