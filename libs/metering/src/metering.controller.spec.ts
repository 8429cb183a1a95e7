import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { sqlOf } from '#csms/persistence';
import type { Bus, ChargerMessage, ConsumerStats, DurableMessage } from '#csms/bus';
import type { StatusNotificationRequest, StopTransactionRequest } from '#csms/ocpp';
import type { DataSource } from 'typeorm';
import { MeteringChargerController } from './metering.controller.js';
import { ReadingsService } from './readings.service.js';
import { STOP_CONSUMER } from './stop-consumer-drain.js';
import { openTestDatabase } from './test-support/spec-support.js';
import { TransactionsService } from './transactions.service.js';
import type { MeteringTransactionsRow } from './transactions.service.rows.js';

/**
 * The status consumer against a stop consumer that lags: the StopTransaction is in the stream before the
 * Available, but its consumer has not applied it yet when the Available is read.
 */
let db: DataSource;
let close: () => Promise<void>;
let transactions: TransactionsService;
let readings: ReadingsService;
let seq = 1;
/** What the stop consumer has pending, as the bus would report it; undefined: it is not in this process. */
let stopPending: number | undefined;
let statsAsked = 0;
// The controller reads only consumerStats of the bus on this path.
const bus = {
  consumerStats: async (): Promise<ConsumerStats[]> => {
    statsAsked++;
    return stopPending === undefined ? [] : [{ consumer: STOP_CONSUMER, pending: stopPending, redelivered: 0, deadLettered: 0, stalled: false }];
  },
} as unknown as Bus;

beforeAll(async () => {
  ({ db, close } = await openTestDatabase());
  transactions = new TransactionsService(db);
  readings = new ReadingsService(db, transactions);
}, 60_000);
afterAll(async () => close());

const at = (sec: number) => new Date(Date.parse('2025-02-01T10:00:00Z') + sec * 1000).toISOString();
const durable = <P>(chargerId: string, action: string, payload: P, sec: number): DurableMessage<ChargerMessage<P>> => ({
  subject: `csms.evt.${chargerId}.${action}`,
  seq: seq++,
  deliveryCount: 1,
  data: { chargerId, messageId: `m-${seq}`, action, payload, receivedAt: at(sec), gatewayId: 'gw-1' },
});
const available = (chargerId: string, sec: number) =>
  durable<StatusNotificationRequest>(chargerId, 'StatusNotification', { connectorId: 1, status: 'Available', errorCode: 'NoError', timestamp: at(sec) }, sec);
const txRow = async (id: number) => (await sqlOf(db).query<MeteringTransactionsRow>(`SELECT * FROM metering_transactions WHERE id = $1`, [id]))[0];
const controller = (waitMs: number) => new MeteringChargerController(bus, transactions, readings, { rebootInferenceWaitMs: waitMs });

describe('the status consumer and a lagging stop consumer', () => {
  let warn: jest.SpiedFunction<Logger['warn']>;
  beforeEach(() => {
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    statsAsked = 0;
  });
  afterEach(() => warn.mockRestore());

  it('waits for the StopTransaction before it: the transaction is closed by the charger, never as Reboot', async () => {
    const c = controller(10_000);
    const { transactionId } = await transactions.recordStart(
      'CP-LAG',
      { connectorId: 1, idTag: 'T', meterStart: 100, timestamp: at(0) },
      { idTagStatus: 'Accepted', free: false },
    );
    const stop = durable<StopTransactionRequest>(
      'CP-LAG',
      'StopTransaction',
      { transactionId, meterStop: 900, timestamp: at(60), reason: 'EVDisconnected' },
      60,
    );
    stopPending = 1;
    let settled = false;
    const status = c.statusNotifications([available('CP-LAG', 61)]).finally(() => (settled = true));
    while (statsAsked < 2 && !settled) await new Promise((r) => setTimeout(r, 5));
    // still waiting, and the transaction still open: nothing was inferred
    expect(settled).toBe(false);
    expect((await txRow(transactionId)).stopped_at).toBeNull();
    await c.stopTransactions([stop]);
    stopPending = 0;
    await status;
    expect(await txRow(transactionId)).toMatchObject({ closed_by: 'StopTransaction', stop_reason: 'EVDisconnected', duplicate_stop_count: 0 });
    expect(Number((await txRow(transactionId)).meter_stop)).toBe(900);
    expect(warn).not.toHaveBeenCalled();
  });

  it('infers the lost transaction after the wait when the stop consumer does not catch up, and says so', async () => {
    const { transactionId } = await transactions.recordStart(
      'CP-LOST',
      { connectorId: 1, idTag: 'T', meterStart: 100, timestamp: at(0) },
      { idTagStatus: 'Accepted', free: false },
    );
    stopPending = 4;
    await controller(50).statusNotifications([available('CP-LOST', 61)]);
    expect(await txRow(transactionId)).toMatchObject({ closed_by: 'Reboot', stop_reason: 'Reboot' });
    expect(warn.mock.calls.map(([m]) => String(m))).toEqual([
      'the StopTransaction consumer still had 4 message(s) pending after 50 ms; inferring lost transactions now',
      `closed as Reboot (no StopTransaction): transactions ${transactionId}`,
    ]);
  });

  it('asks nothing of the bus when no Available of the batch meets an open transaction', async () => {
    stopPending = 3;
    await controller(10_000).statusNotifications([available('CP-IDLE', 5), available('CP-IDLE-2', 5)]);
    expect(statsAsked).toBe(0);
  });
});
