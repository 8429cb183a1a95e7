// What the simulated charger's parts (physical actions, command handlers, reservation, firmware) may use of it:
// a narrow port instead of the whole class, so they depend on this file and not on simulated-charger.ts.
import type { Clock } from '../clock.js';
import type { ChargingProfiles } from './charging-profiles.js';
import type { Faults } from './faults.js';
import type { FirmwareUpdater } from './firmware.js';
import type { KeyStore } from './key-store.js';
import type { ChargerState } from './link.js';
import type { Car, PowerStep } from './metering.js';
import type { ModelId, ModelPreset } from './presets.js';
import type { ChargerReservation } from './reservation.js';
import type { ChargerStats } from './stats.js';
import type { ConnectorStatus, StopReason, TransactionController } from './transactions.js';

export interface SimulatedChargerOptions {
  /** CSMS endpoint; the charger connects to `<url>/<identity>`. */
  url: string;
  identity: string;
  model: ModelId | ModelPreset;
  clock?: Clock;
  /** Initial key values (e.g. { FreeCharging: 'true', MeterValueSampleInterval: '60' }). */
  keys?: Record<string, string>;
  /** Basic Auth password the charger was provisioned with (none = no Authorization header). */
  initialPassword?: string | Buffer;
  keyPreviouslySet?: boolean;
  /** Source address for the socket (spreading many chargers over 127.0.0.x). */
  localAddress?: string;
  faults?: Partial<Faults>;
  initialRegisterWh?: number;
  powerCurve?: PowerStep[];
  /** The car: phases it draws on (default the model's) and its own maximum current per phase (default the charger's). */
  car?: Partial<Car>;
  /** Time the charger is away during a reboot (clock ms). */
  rebootDelayMs?: number;
  /** First reconnect delay after a lost/failed connection (doubles up to 60 s). */
  reconnectDelayMs?: number;
  callTimeoutMs?: number;
  /** BootNotification retry when the CSMS answers with interval 0 (s). */
  bootRetrySeconds?: number;
  /** The firmware version at start (default: the model's minimum box-level version). */
  firmwareVersion?: string;
  /** Time between two firmware update steps (Downloading, Downloaded, ...) in clock ms. */
  firmwareStepMs?: number;
  /**
   * The security extension with a certificate store: reports its keys and carries out SignedUpdateFirmware
   * (default off: the Zaptec models have no PKI, docs/reference/zaptec-facts.md#capabilities-per-model).
   */
  securityExtension?: boolean;
}

export interface ChargerPort {
  readonly identity: string;
  readonly state: ChargerState;
  readonly status: ConnectorStatus;
  readonly isPlugged: boolean;
  readonly isOperative: boolean;
  readonly options: SimulatedChargerOptions;
  readonly preset: ModelPreset;
  readonly keys: KeyStore;
  readonly clock: Clock;
  readonly stats: ChargerStats;
  readonly faults: Faults;
  readonly transactions: TransactionController;
  readonly chargingProfiles: ChargingProfiles;
  readonly reservation: ChargerReservation;
  readonly firmware: FirmwareUpdater;
  firmwareVersion: string;
  call(action: string, payload: Record<string, unknown>): Promise<unknown>;
  send(action: string, payload: Record<string, unknown>): void;
  emit(event: string, ...args: unknown[]): boolean;
  once(event: string, listener: (...args: unknown[]) => void): unknown;
  statusPayload(connectorId: 0 | 1): Record<string, unknown>;
  setStatus(status: ConnectorStatus): void;
  setOperative(operative: boolean): boolean;
  reboot(kind?: 'Hard' | 'Soft'): Promise<void>;
  acceptRemoteStart(idTag: string): boolean;
  stopTransaction(reason: StopReason, idTag?: string): void;
  reconnectWithNewPassword(): Promise<void>;
  applyChargingProfile(connectorId: number, profile: Record<string, unknown>): 'Accepted' | 'Rejected';
  refreshChargingLimit(): void;
  sendTriggeredMeterValues(connectorId: 0 | 1): void;
  triggerBoot(): void;
}

/** What only the physical actions (charger-actions.ts) may change: the cable, the link, a remote start waiting for the cable. */
export interface ChargerHands {
  setPlugged(plugged: boolean): void;
  closeLink(force: boolean): Promise<void>;
  connect(): Promise<void>;
  setOffline(offline: boolean): void;
  pendingRemoteStart(): { idTag: string; timer: ReturnType<Clock['setTimeout']> } | undefined;
  setPendingRemoteStart(pending: { idTag: string; timer: ReturnType<Clock['setTimeout']> } | undefined): void;
  isRunning(): boolean;
}
