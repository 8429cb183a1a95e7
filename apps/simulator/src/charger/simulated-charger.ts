// One simulated Zaptec charger (Go / Go 2 / Pro) speaking OCPP 1.6J through ocpp-rpc (strict mode).
// Independent of the CSMS's libraries on purpose: see ../rpc.ts.
import { EventEmitter } from 'node:events';
import { RealClock, TimerScope, type Clock, type TimerHandle } from '../clock.js';
import * as actions from './charger-actions.js';
import type { ChargerHands, ChargerPort, SimulatedChargerOptions } from './charger-port.js';
import { registerCommandHandlers } from './command-handlers.js';
import { NO_FAULTS, type Faults } from './faults.js';
import { FirmwareUpdater } from './firmware.js';
import { ChargerLink, type ChargerState } from './link.js';
import { KeyStore } from './key-store.js';
import { EnergyMeter } from './meter.js';
import type { PowerStep } from './metering.js';
import { presetFor, type ModelPreset } from './presets.js';
import { ChargerStats } from './stats.js';
import { ChargerReservation } from './reservation.js';
import { ChargingProfiles } from './charging-profiles.js';
import { perMeasurandEntries } from './metering.js';
import { TransactionController, type ConnectorStatus, type StopReason } from './transactions.js';
import { TransactionMessageQueue } from './tx-queue.js';

export type { SimulatedChargerOptions } from './charger-port.js';

export type { ChargerState, SentMessage } from './link.js';

/** Events: 'state' (ChargerState), 'sent' (SentMessage), 'received' (action, params), 'booted',
 *  'transactionStarted'/'transactionStopped' (localTxId), 'reservedForOther' (idTag),
 *  'error' is never emitted (errors are counted in stats). */
export class SimulatedCharger extends EventEmitter implements ChargerPort {
  readonly preset: ModelPreset;
  readonly keys: KeyStore;
  readonly clock: Clock;
  /** Every timer of this charger, whichever part set it: stop() ends them all. */
  private readonly timers: TimerScope;
  readonly stats = new ChargerStats();
  readonly meter: EnergyMeter;
  readonly transactions: TransactionController;
  readonly queue: TransactionMessageQueue;
  readonly faults: Faults;
  private readonly link: ChargerLink;

  private plugged = false;
  private operative = true;
  private connectorStatus: ConnectorStatus = 'Available';
  /** RemoteStartTransaction accepted before the cable was plugged in (waits ConnectionTimeOut). */
  private pendingRemoteStart: { idTag: string; timer: TimerHandle } | undefined;
  /** The physical side that only charger-actions.ts changes (a port, not a public back door). */
  private readonly hands: ChargerHands = {
    setPlugged: (p) => {
      this.plugged = p;
    },
    closeLink: (force) => this.link.closeLink(force),
    connect: () => this.link.connect(),
    setOffline: (o) => {
      this.link.offlineUntilResumed = o;
    },
    pendingRemoteStart: () => this.pendingRemoteStart,
    setPendingRemoteStart: (p) => {
      this.pendingRemoteStart = p;
    },
    isRunning: () => this.link.isRunning,
  };
  readonly chargingProfiles = new ChargingProfiles();
  readonly reservation = new ChargerReservation(this);
  /** What the next BootNotification reports: an installed firmware update changes it. */
  firmwareVersion: string;
  readonly firmware: FirmwareUpdater;

  constructor(readonly options: SimulatedChargerOptions) {
    super();
    this.preset = typeof options.model === 'string' ? presetFor(options.model) : options.model;
    this.clock = this.timers = new TimerScope(options.clock ?? new RealClock());
    this.faults = { ...NO_FAULTS, ...options.faults };
    this.firmwareVersion = options.firmwareVersion ?? this.preset.firmwareVersion;
    this.firmware = new FirmwareUpdater(this, options.firmwareStepMs ?? 1000);
    this.keys = new KeyStore(this.preset, {
      overrides: options.keys,
      initialPassword: options.initialPassword,
      keyPreviouslySet: options.keyPreviouslySet,
      certificateStore: options.securityExtension,
    });
    this.meter = new EnergyMeter(this.clock, options.initialRegisterWh ?? 1_000_000);
    this.queue = new TransactionMessageQueue({
      clock: this.clock,
      send: (action, payload) => this.call(action, payload),
      attempts: () => this.keys.getInt('TransactionMessageAttempts'),
      retryIntervalMs: () => this.keys.getInt('TransactionMessageRetryInterval') * 1000,
      canSend: () => this.link.state === 'booted',
      onStartAnswered: (localTxId, r) => this.onStartAnswered(localTxId, r),
      onDropped: () => this.stats.dropped++,
    });
    this.transactions = new TransactionController({
      clock: this.clock,
      keys: this.keys,
      preset: this.preset,
      faults: this.faults,
      meter: this.meter,
      queue: this.queue,
      setStatus: (s) => this.setStatus(s),
      isPlugged: () => this.plugged,
      currentLimitA: () => this.chargingProfiles.limitA(this.clock.now(), this.preset.phases, this.transactions.active !== undefined),
      car: { phases: options.car?.phases ?? this.preset.phases, maxCurrentA: options.car?.maxCurrentA ?? this.preset.maxCurrentA },
      onEvent: (event, id) => {
        if (event === 'transactionStarted') this.stats.txStarted++;
        else {
          this.stats.txStopped++;
          this.chargingProfiles.clearTxProfiles();
        }
        this.emit(event, id);
      },
    });
    if (options.powerCurve) this.transactions.setPowerCurve(options.powerCurve);
    this.keys.onChange((key) => this.onKeyChanged(key));
    this.link = new ChargerLink(options, {
      clock: this.clock,
      keys: this.keys,
      preset: this.preset,
      faults: this.faults,
      stats: this.stats,
      registerHandlers: (client) => registerCommandHandlers(client, this),
      onState: (s) => this.emit('state', s),
      onSent: (m) => this.emit('sent', m),
      onConnectError: (e) => this.emit('connectError', e),
      onBooted: () => this.onBooted(),
      firmwareVersion: () => this.firmwareVersion,
    });
  }

  get identity(): string {
    return this.options.identity;
  }
  get state(): ChargerState {
    return this.link.state;
  }
  get status(): ConnectorStatus {
    return this.connectorStatus;
  }
  get isPlugged(): boolean {
    return this.plugged;
  }
  get isOperative(): boolean {
    return this.operative;
  }

  /** Resolves when the charger reaches the given state (or at once if it is in it). */
  waitFor(state: ChargerState): Promise<void> {
    if (this.link.state === state) return Promise.resolve();
    return new Promise((resolve) => {
      const on = (s: ChargerState): void => {
        if (s !== state) return;
        this.off('state', on);
        resolve();
      };
      this.on('state', on);
    });
  }

  start(): void {
    this.link.start();
  }

  /** Powers the simulated charger off: closes the link and stops all its timers. */
  async stop(): Promise<void> {
    this.queue.clearRetry();
    this.transactions.halt();
    await this.link.stop();
    // The rest (a reservation's expiry, a pending remote start, firmware steps) would otherwise fire after the stop.
    this.timers.clearAll();
  }

  /** Sends a CALL and counts it; throws when offline or on CALLERROR/timeout. */
  call(action: string, payload: Record<string, unknown>): Promise<unknown> {
    return this.link.call(action, payload);
  }

  /** Fire-and-forget for non-transaction messages (StatusNotification etc.): dropped while not booted. */
  send(action: string, payload: Record<string, unknown>): void {
    this.link.send(action, payload);
  }

  private onBooted(): void {
    this.emit('booted');
    this.send('StatusNotification', this.statusPayload(0));
    this.send('StatusNotification', this.statusPayload(1));
    // Replay what was queued while offline right away, not after a pending retry interval.
    this.queue.clearRetry();
    this.queue.kick();
  }

  private onKeyChanged(key: string): void {
    if (key === 'HeartbeatInterval') this.link.scheduleHeartbeat();
    else if (key === 'MeterValueSampleInterval') this.transactions.scheduleSample();
    else if (key === 'WebSocketPingInterval') this.link.reconfigurePing();
  }

  // ---- connector status -----------------------------------------------------------------------------------

  statusPayload(connectorId: 0 | 1): Record<string, unknown> {
    // Connector 0 reports only Available/Unavailable, never Faulted (docs/reference/zaptec-facts.md#capabilities-per-model).
    const status = connectorId === 0 ? (this.operative ? 'Available' : 'Unavailable') : this.connectorStatus;
    return { connectorId, errorCode: 'NoError', status, timestamp: new Date(this.clock.now()).toISOString() };
  }

  setStatus(status: ConnectorStatus): void {
    const effective = !this.operative && !this.transactions.active ? 'Unavailable' : status;
    if (effective === this.connectorStatus) return;
    this.connectorStatus = effective;
    this.send('StatusNotification', this.statusPayload(1));
  }

  /** ChangeAvailability; returns false when it must wait for the running transaction (Scheduled). */
  setOperative(operative: boolean): boolean {
    this.operative = operative;
    this.send('StatusNotification', this.statusPayload(0));
    if (this.transactions.active) return false;
    this.setStatus(operative ? (this.plugged ? 'Preparing' : 'Available') : 'Unavailable');
    return true;
  }

  // ---- physical actions (scenarios, tests) -----------------------------------------------------------------
  // Implemented in charger-actions.ts to keep this file short.
  plugIn(idTag?: string): Promise<void> {
    return actions.plugIn(this, this.hands, idTag);
  }
  /** An RFID card held to the reader: starts (after Authorize) or, for the running transaction's tag, stops. */
  presentIdTag(idTag: string): Promise<void> {
    return actions.presentIdTag(this, idTag);
  }
  unplug(): void {
    actions.unplug(this, this.hands);
  }
  /** Reset: stops a running transaction, goes away for rebootDelayMs, reconnects and boots again. */
  reboot(kind: 'Hard' | 'Soft' = 'Soft'): Promise<void> {
    return actions.reboot(this, this.hands, kind);
  }
  /** Network drop: socket closed uncleanly, offline for offlineMs (clock), then reconnect and replay. */
  dropNetwork(offlineMs: number): Promise<void> {
    return actions.dropNetwork(this, this.hands, offlineMs);
  }
  setPowerCurve(curve: PowerStep[]): void {
    this.transactions.setPowerCurve(curve);
  }
  acceptRemoteStart(idTag: string): boolean {
    return actions.acceptRemoteStart(this, this.hands, idTag);
  }
  stopTransaction(reason: StopReason, idTag?: string): void {
    this.transactions.stop(reason, idTag);
  }
  /** After an Accepted AuthorizationKey: close and reconnect with the new password. */
  reconnectWithNewPassword(): Promise<void> {
    return actions.reconnect(this, this.hands);
  }

  applyChargingProfile(connectorId: number, profile: Record<string, unknown>): 'Accepted' | 'Rejected' {
    const r = this.chargingProfiles.set(connectorId, profile, this.clock.now(), this.transactions.active !== undefined);
    this.refreshChargingLimit();
    return r;
  }

  refreshChargingLimit(): void {
    this.transactions.refreshPower();
  }

  /**
   * TriggerMessage(MeterValues): context Trigger; connector 0 carries the whole charger's values
   * (docs/reference/zaptec-facts.md#metering).
   */
  sendTriggeredMeterValues(connectorId: 0 | 1): void {
    const txId = connectorId === 1 ? this.transactions.transactionId : undefined;
    const meterValue = perMeasurandEntries(this.transactions.sampledMeasurands(), this.transactions.reading(), 'Trigger');
    if (meterValue.length === 0) return;
    this.send('MeterValues', { connectorId, ...(txId !== undefined ? { transactionId: txId } : {}), meterValue });
  }

  /** TriggerMessage(BootNotification): a new BootNotification on the open link (no reboot). */
  triggerBoot(): void {
    this.link.triggerBoot();
  }

  private onStartAnswered(localTxId: number, r: Record<string, unknown>): void {
    const info = r.idTagInfo as { status?: string } | undefined;
    const active = this.transactions.active;
    if (!info || info.status === 'Accepted' || !active || active.localTxId !== localTxId) return;
    // StopTransactionOnInvalidId behaves as true whatever its value on Go 2
    // (docs/reference/zaptec-facts.md#transactions-and-authorization).
    if (this.preset.stopOnInvalidIdAlways || this.keys.getBool('StopTransactionOnInvalidId')) {
      this.transactions.stop('DeAuthorized');
    } else {
      this.meter.setPower(0);
      this.setStatus('SuspendedEVSE');
    }
  }
}
