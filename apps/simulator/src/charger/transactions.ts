// One connector's transaction life: start (with or without Authorize), power curve, periodic and eager
// Sample.Periodic MeterValues, StopTransaction with thinned transactionData. All transaction messages go through
// the TransactionMessageQueue so they are kept and replayed in order while offline.
import type { Clock, TimerHandle } from '../clock.js';
import type { Faults } from './faults.js';
import type { KeyStore } from './key-store.js';
import type { EnergyMeter } from './meter.js';
import {
  combinedEntry,
  drawnPowerW,
  EagerSampleRule,
  perMeasurandEntries,
  powerAt,
  thinTransactionData,
  type Car,
  type MeterValue,
  type PowerStep,
  type Reading,
} from './metering.js';
import type { Measurand, ModelPreset } from './presets.js';
import type { TransactionMessageQueue } from './tx-queue.js';

export type ConnectorStatus = 'Available' | 'Preparing' | 'Charging' | 'SuspendedEV' | 'SuspendedEVSE' | 'Finishing' | 'Reserved' | 'Unavailable' | 'Faulted';

export type StopReason =
  'EmergencyStop' | 'EVDisconnected' | 'HardReset' | 'Local' | 'Other' | 'PowerLoss' | 'Reboot' | 'Remote' | 'SoftReset' | 'UnlockCommand' | 'DeAuthorized';

export interface TransactionHost {
  clock: Clock;
  keys: KeyStore;
  preset: ModelPreset;
  faults: Faults;
  meter: EnergyMeter;
  queue: TransactionMessageQueue;
  setStatus(status: ConnectorStatus): void;
  isPlugged(): boolean;
  /** Current limit from smart charging (A per phase), or undefined. */
  currentLimitA(): number | undefined;
  /** The car plugged in: its phases and maximum current. */
  car: Car;
  onEvent(event: 'transactionStarted' | 'transactionStopped', localTxId: number): void;
}

interface ActiveTransaction {
  localTxId: number;
  idTag: string;
  startedAt: number;
  curve: PowerStep[];
  curveTimers: TimerHandle[];
  data: MeterValue[];
  eager: EagerSampleRule;
}

export class TransactionController {
  private tx: ActiveTransaction | undefined;
  private nextLocalTxId = 1;
  private sampleTimer: TimerHandle | undefined;
  private curve: PowerStep[] = [{ atSecond: 0, powerW: 7400 }];

  constructor(private readonly host: TransactionHost) {}

  get active(): { localTxId: number; idTag: string } | undefined {
    return this.tx ? { localTxId: this.tx.localTxId, idTag: this.tx.idTag } : undefined;
  }

  /** CSMS transactionId of the running transaction, once StartTransaction was answered. */
  get transactionId(): number | undefined {
    return this.tx ? this.host.queue.transactionId(this.tx.localTxId) : undefined;
  }

  setPowerCurve(curve: PowerStep[]): void {
    this.curve = curve;
    if (this.tx) {
      // A new curve applies from now on: re-base it on the running transaction's clock.
      const elapsed = (this.host.clock.now() - this.tx.startedAt) / 1000;
      this.tx.curve = curve.map((s) => ({ atSecond: s.atSecond + elapsed, powerW: s.powerW }));
      this.scheduleCurve(this.tx, elapsed);
    }
  }

  registerWh(): number {
    return this.host.meter.energyWh + this.host.faults.registerOffsetWh;
  }

  reading(): Reading {
    const limit = this.host.currentLimitA();
    return {
      at: this.host.clock.now(),
      energyWh: this.registerWh(),
      powerW: this.host.meter.power,
      phases: this.host.car.phases,
      offeredA: limit ?? this.host.preset.maxCurrentA,
    };
  }

  sampledMeasurands(): Measurand[] {
    return this.host.keys.getList('MeterValuesSampledData') as Measurand[];
  }

  /** Go 2 (docs/reference/zaptec-facts.md#metering): StopTxn measurands missing from the sampled/aligned sets are not reported. */
  stopMeasurands(): Measurand[] {
    const k = this.host.keys;
    const known = new Set([...k.getList('MeterValuesSampledData'), ...k.getList('MeterValuesAlignedData')]);
    return (k.getList('StopTxnSampledData') as Measurand[]).filter((m) => known.has(m));
  }

  start(idTag: string, reservationId?: number): number {
    if (this.tx) throw new Error('transaction already running');
    const localTxId = this.nextLocalTxId++;
    const now = this.host.clock.now();
    const tx: ActiveTransaction = {
      localTxId,
      idTag,
      startedAt: now,
      curve: this.curve,
      curveTimers: [],
      data: [],
      // Baseline 0 W: the car drew nothing before the transaction, so a large first step is an eager sample.
      eager: new EagerSampleRule(0),
    };
    this.tx = tx;
    const meterStart = this.host.faults.nearInt31 ? 2_147_483_647 : Math.round(this.registerWh());
    const timestamp = new Date(now).toISOString();
    this.host.queue.enqueue({
      action: 'StartTransaction',
      localTxId,
      build: () => ({ connectorId: 1, idTag, meterStart, timestamp, ...(reservationId !== undefined ? { reservationId } : {}) }),
    });
    const stopSet = this.stopMeasurands();
    if (stopSet.length > 0) tx.data.push(combinedEntry(stopSet, this.reading(), 'Transaction.Begin'));
    this.host.onEvent('transactionStarted', localTxId);
    this.scheduleCurve(tx, 0);
    this.scheduleSample();
    return localTxId;
  }

  stop(reason: StopReason, idTag?: string): void {
    const tx = this.tx;
    if (!tx) return;
    this.clearTimers(tx);
    const reading = this.reading();
    this.host.meter.setPower(0);
    this.tx = undefined;
    const stopSet = this.stopMeasurands();
    if (stopSet.length > 0) tx.data.push(combinedEntry(stopSet, reading, 'Transaction.End'));
    const transactionData = thinTransactionData(tx.data, this.host.keys.getInt('StopTransactionMaxMeterValues'));
    const meterStop = Math.round(reading.energyWh);
    const timestamp = new Date(reading.at).toISOString();
    this.host.queue.enqueue({
      action: 'StopTransaction',
      localTxId: tx.localTxId,
      build: (txId) => ({
        transactionId: txId(tx.localTxId),
        meterStop,
        timestamp,
        reason,
        ...(idTag ? { idTag } : {}),
        ...(transactionData.length > 0 ? { transactionData } : {}),
      }),
    });
    if (this.host.faults.lateSampleAfterStop) {
      // Go 2 (docs/reference/zaptec-facts.md#metering): a last Sample.Periodic after Transaction.End.
      const measurands = this.sampledMeasurands();
      this.host.queue.enqueue({
        action: 'MeterValues',
        localTxId: tx.localTxId,
        build: (txId) => ({ connectorId: 1, transactionId: txId(tx.localTxId), meterValue: perMeasurandEntries(measurands, reading, 'Sample.Periodic') }),
      });
    }
    this.host.onEvent('transactionStopped', tx.localTxId);
    this.host.setStatus(this.host.isPlugged() ? 'Finishing' : 'Available');
  }

  /** Restart the MeterValueSampleInterval timer (after a sample, an eager sample, or a key change). */
  scheduleSample(): void {
    this.host.clock.clearTimeout(this.sampleTimer);
    this.sampleTimer = undefined;
    const interval = this.host.keys.getInt('MeterValueSampleInterval');
    if (!this.tx || interval <= 0) return;
    this.sampleTimer = this.host.clock.setTimeout(() => {
      this.sampleTimer = undefined;
      this.sample();
    }, interval * 1000);
  }

  /** Sends one Sample.Periodic MeterValues for the running transaction and restarts the interval. */
  sample(): void {
    const tx = this.tx;
    if (!tx) return;
    const reading = this.reading();
    const measurands = this.sampledMeasurands();
    if (measurands.length > 0) {
      this.host.queue.enqueue({
        action: 'MeterValues',
        localTxId: tx.localTxId,
        build: (txId) => ({ connectorId: 1, transactionId: txId(tx.localTxId), meterValue: perMeasurandEntries(measurands, reading, 'Sample.Periodic') }),
      });
    }
    const stopSet = this.stopMeasurands();
    if (stopSet.length > 0) tx.data.push(combinedEntry(stopSet, reading, 'Sample.Periodic'));
    tx.eager.markSent(reading.powerW);
    this.scheduleSample();
  }

  private applyPower(tx: ActiveTransaction, powerW: number): void {
    const capped = drawnPowerW(powerW, this.host.currentLimitA(), this.host.car, this.host.preset.maxCurrentA);
    this.host.meter.setPower(capped);
    // Held at 0 by the charger (a limit below 6 A) while the car would draw: suspended by the EVSE, not the EV.
    this.host.setStatus(capped > 0 ? 'Charging' : powerW > 0 ? 'SuspendedEVSE' : 'SuspendedEV');
    if (tx.eager.shouldSend(capped, this.host.keys.getInt('PowerActiveImportDeltaForEagerMeterValueSample'))) {
      this.sample();
    }
  }

  /** Re-evaluates the power (e.g. after a charging profile changed the limit). */
  refreshPower(): void {
    if (!this.tx) return;
    this.applyPower(this.tx, powerAt(this.tx.curve, (this.host.clock.now() - this.tx.startedAt) / 1000));
  }

  private scheduleCurve(tx: ActiveTransaction, fromSecond: number): void {
    for (const t of tx.curveTimers) this.host.clock.clearTimeout(t);
    tx.curveTimers = [];
    this.applyPower(tx, powerAt(tx.curve, fromSecond));
    for (const step of tx.curve) {
      if (step.atSecond <= fromSecond) continue;
      tx.curveTimers.push(
        this.host.clock.setTimeout(
          () => {
            if (this.tx === tx) this.applyPower(tx, step.powerW);
          },
          (step.atSecond - fromSecond) * 1000,
        ),
      );
    }
  }

  /** Power off: timers stop, the transaction is left as it is (no StopTransaction). */
  halt(): void {
    if (this.tx) this.clearTimers(this.tx);
  }

  private clearTimers(tx: ActiveTransaction): void {
    for (const t of tx.curveTimers) this.host.clock.clearTimeout(t);
    tx.curveTimers = [];
    this.host.clock.clearTimeout(this.sampleTimer);
    this.sampleTimer = undefined;
  }
}
