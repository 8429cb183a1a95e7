import { Controller, Inject, Logger, Optional } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import {
  Answers,
  BUS,
  recordFact,
  subjects,
  type Bus,
  type ChargerMessage,
  type ChargerReply,
  type DurableMessage,
  type TransactionStartedFact,
} from '#csms/bus';
import type { MeterValuesRequest, StartTransactionRequest, StartTransactionResponse, StatusNotificationRequest, StopTransactionRequest } from '#csms/ocpp';
import { AuthUnavailableError, idTagInfoForStart, reportReservationUsed } from './auth-client.js';
import { meterAnomalies } from './metering-metrics.js';
import { DEFAULT_METERING_OPTIONS, METERING_OPTIONS, type MeteringOptions } from './metering-options.js';
import { ReadingsService } from './readings.service.js';
import { STOP_CONSUMER, waitForStopsDrained } from './stop-consumer-drain.js';
import { TransactionsService } from './transactions.service.js';
import type * as auth from '#csms/auth/verbs';
import * as verbs from './verbs.js';

/** Charger CALLs owned by metering: StartTransaction (request/reply) and the durable facts. */
@Controller()
export class MeteringChargerController {
  private readonly log = new Logger('metering');

  constructor(
    @Inject(BUS) private readonly bus: Bus,
    @Inject(TransactionsService) private readonly transactions: TransactionsService,
    @Inject(ReadingsService) private readonly readings: ReadingsService,
    @Optional() @Inject(METERING_OPTIONS) private readonly options: MeteringOptions = {},
  ) {}

  /**
   * Auth decides idTagInfo and free charging first; the transaction is then stored WITH that verdict, in one
   * statement (idempotent on its natural key). When auth cannot answer nothing is stored and we return a
   * CALLERROR InternalError rather than guess: the charger keeps the StartTransaction queued and retries
   * (docs/reference/protocol-notes.md#callerror-codes, docs/reference/protocol-notes.md#offline-queue), and no tag is
   * accepted or refused on a guess (a Go 2 stops at once on Invalid).
   * Storing first left an "open" transaction with no verdict behind every such refusal
   * (docs/reference/design-decisions.md#starttransaction-with-its-verdict).
   */
  @Answers(verbs.startTransaction)
  async startTransaction(msg: ChargerMessage<StartTransactionRequest>): Promise<ChargerReply<StartTransactionResponse>> {
    const { chargerId, payload } = msg;
    let verdict: auth.StartVerdict;
    try {
      verdict = await idTagInfoForStart(this.bus, chargerId, payload, this.options.authTimeoutMs ?? DEFAULT_METERING_OPTIONS.authTimeoutMs);
    } catch (err) {
      if (!(err instanceof AuthUnavailableError)) throw err;
      this.log.warn(`StartTransaction of ${chargerId} (connector ${payload.connectorId}) answered InternalError, nothing stored: ${err.message}`);
      return { error: { code: 'InternalError', description: 'authorization service unavailable, retry later' } };
    }
    const { transactionId } = await this.transactions.recordStart(chargerId, payload, { idTagStatus: verdict.idTagInfo.status, free: verdict.free });
    // Before the answer: the charger's MeterValues for this transaction then follow it in the stream.
    const fact: TransactionStartedFact = {
      chargerId,
      transactionId,
      connectorId: payload.connectorId,
      idTag: payload.idTag,
      meterStart: payload.meterStart,
      timestamp: payload.timestamp,
      idTagStatus: verdict.idTagInfo.status,
      at: new Date().toISOString(),
    };
    await recordFact(this.bus, chargerId, 'TransactionStarted', fact, `${chargerId}:${msg.messageId}:TransactionStarted`);
    if (verdict.reservationId !== undefined) {
      await reportReservationUsed(this.bus, verdict.reservationId, transactionId, this.options.authTimeoutMs ?? DEFAULT_METERING_OPTIONS.authTimeoutMs).catch(
        (err: unknown) =>
          this.log.warn(
            `reservation ${verdict.reservationId} used by transaction ${transactionId}, link not recorded: ${err instanceof Error ? err.message : String(err)}`,
          ),
      );
    }
    return { result: { transactionId, idTagInfo: verdict.idTagInfo } };
  }

  @EventPattern<string>(subjects.eventsOf('StopTransaction'), { durable: STOP_CONSUMER, maxBatch: 100, maxWaitMs: 20 })
  async stopTransactions(batch: Array<DurableMessage<ChargerMessage<StopTransactionRequest>>>): Promise<void> {
    await this.transactions.stopBatch(batch.map((m) => ({ chargerId: m.data.chargerId, request: m.data.payload, seq: m.seq, receivedAt: m.data.receivedAt })));
    const reasons = await this.transactions.anomaliesOfStops(batch.filter((m) => m.deliveryCount === 1).map((m) => m.seq)).catch(() => []);
    for (const reason of reasons) meterAnomalies.inc({ reason });
  }

  @EventPattern<string>(subjects.eventsOf('MeterValues'), { durable: 'metering-meter-values', maxBatch: 500, maxWaitMs: 20 })
  async meterValues(batch: Array<DurableMessage<ChargerMessage<MeterValuesRequest>>>): Promise<void> {
    const stored = await this.readings.meterValuesBatch(
      batch.map((m) => ({ chargerId: m.data.chargerId, payload: m.data.payload, receivedAt: m.data.receivedAt })),
    );
    this.log.debug(`MeterValues batch: ${batch.length} message(s), ${stored} new reading(s) stored`, {
      event: 'meter-values-stored',
      messages: batch.length,
      readings: stored,
    });
  }

  @EventPattern<string>(subjects.eventsOf('StatusNotification'), { durable: 'metering-status', maxBatch: 500, maxWaitMs: 20 })
  async statusNotifications(batch: Array<DurableMessage<ChargerMessage<StatusNotificationRequest>>>): Promise<void> {
    const events = batch.map((m) => ({ chargerId: m.data.chargerId, payload: m.data.payload, receivedAt: m.data.receivedAt }));
    // A StopTransaction the charger sent before this Available may still wait for its own consumer.
    if (await this.readings.closesOnReboot(events)) {
      const waitMs = this.options.rebootInferenceWaitMs ?? DEFAULT_METERING_OPTIONS.rebootInferenceWaitMs;
      const outcome = await waitForStopsDrained(this.bus, waitMs);
      if (!outcome.drained && outcome.pending !== undefined) {
        this.log.warn(`the StopTransaction consumer still had ${outcome.pending} message(s) pending after ${waitMs} ms; inferring lost transactions now`);
      }
    }
    const { closedByReboot } = await this.readings.statusBatch(events);
    if (closedByReboot.length) this.log.warn(`closed as Reboot (no StopTransaction): transactions ${closedByReboot.join(', ')}`);
  }
}
