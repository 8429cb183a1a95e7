// UpdateFirmware as a charger carries it out (OCPP 1.6 §5.19, §6.26): Accepted at once, then at retrieveDate
// Downloading -> Downloaded (or DownloadFailed) -> Installing -> Installed (or InstallationFailed) -> reboot with
// the new version. Nothing is downloaded; the version comes from the location (docs/api-firmware-campaigns.md#the-simulator).
// SignedUpdateFirmware (docs/reference/protocol-notes.md#signed-firmware) the same way with SignedFirmwareStatusNotifications
// naming its requestId, a signature check after the download (SignatureVerified or InvalidSignature), InstallScheduled
// when installDateTime is later, and InstallRebooting before the restart, Installed after it.
import type { Clock } from '../clock.js';
import type { Faults } from './faults.js';

/** What an update needs of its charger. */
export interface FirmwareHost {
  readonly identity: string;
  readonly clock: Clock;
  readonly faults: Faults;
  firmwareVersion: string;
  send(action: string, payload: Record<string, unknown>): void;
  once(event: string, listener: (...args: unknown[]) => void): unknown;
  reboot(kind?: 'Hard' | 'Soft'): Promise<void>;
}

export type FirmwareStatus = 'Idle' | 'Downloading' | 'Downloaded' | 'DownloadFailed' | 'Installing' | 'Installed' | 'InstallationFailed';
export type SignedFirmwareStatus =
  FirmwareStatus | 'DownloadScheduled' | 'SignatureVerified' | 'InvalidSignature' | 'InstallScheduled' | 'InstallRebooting' | 'InstallVerificationFailed';

/** SignedUpdateFirmware's firmware, as far as the simulator uses it. */
export interface SignedFirmwareOrder {
  location: string;
  retrieveDateTime: string;
  installDateTime?: string;
}

/**
 * The version a firmware location installs: its `version` query parameter, or else the last path segment
 * without a trailing alphabetic extension (`https://fw.example/go/2.5.0.0.bin` -> `2.5.0.0`).
 */
export function versionFromLocation(location: string): string | undefined {
  let url: URL;
  try {
    url = new URL(location);
  } catch {
    return undefined;
  }
  const param = url.searchParams.get('version');
  if (param) return param;
  const last = decodeURIComponent(url.pathname.split('/').filter(Boolean).pop() ?? '');
  const version = last.replace(/\.[A-Za-z]+$/, '');
  return version || undefined;
}

/** Whether a fault of `pct` percent hits this charger: a stable hash of the identity and what it applies to. */
export function faultHits(identity: string, salt: string, pct: number): boolean {
  if (pct <= 0) return false;
  if (pct >= 100) return true;
  let h = 0x811c9dc5;
  for (const ch of `${salt}:${identity}`) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return h % 100 < pct;
}

/** One charger's firmware update in progress (at most one: a second UpdateFirmware replaces a waiting one). */
export class FirmwareUpdater {
  private current: SignedFirmwareStatus = 'Idle';
  /** The requestId of the signed update running or waiting (undefined: an UpdateFirmware). */
  private requestId: number | undefined;
  private busy = false;
  private waiting: { cancel(): void } | undefined;

  constructor(
    private readonly c: FirmwareHost,
    private readonly stepMs: number,
  ) {}

  /** What TriggerMessage(FirmwareStatusNotification) reports: Idle unless an update is running (OCPP 1.6 §5.17). */
  get status(): SignedFirmwareStatus {
    return this.busy ? this.current : 'Idle';
  }

  /**
   * The answer to a triggered FirmwareStatusNotification: Idle unless an update runs; a signed update's status
   * as SignedFirmwareStatusNotification with its requestId (its statuses are not all in FirmwareStatusNotification's set).
   */
  reportNow(): void {
    if (this.busy && this.requestId !== undefined) this.c.send('SignedFirmwareStatusNotification', { status: this.current, requestId: this.requestId });
    else this.c.send('FirmwareStatusNotification', { status: this.status });
  }

  start(location: string, retrieveDate: string): void {
    this.schedule(undefined, { location, retrieveDateTime: retrieveDate });
  }

  /** A signed update replaces a waiting one as UpdateFirmware does; DownloadScheduled when it waits for its time. */
  startSigned(requestId: number, order: SignedFirmwareOrder): void {
    this.schedule(requestId, order);
    if (this.delayUntil(order.retrieveDateTime) > 0) this.c.send('SignedFirmwareStatusNotification', { status: 'DownloadScheduled', requestId });
  }

  private delayUntil(time: string | undefined): number {
    const at = Date.parse(time ?? '');
    return Number.isFinite(at) ? Math.max(0, at - this.c.clock.now()) : 0;
  }

  private schedule(requestId: number | undefined, order: SignedFirmwareOrder): void {
    this.waiting?.cancel();
    const timer = this.c.clock.setTimeout(() => void this.run(requestId, order), this.delayUntil(order.retrieveDateTime));
    this.waiting = { cancel: () => this.c.clock.clearTimeout(timer) };
  }

  private async run(requestId: number | undefined, order: SignedFirmwareOrder): Promise<void> {
    this.waiting = undefined;
    if (this.busy) return;
    this.busy = true;
    this.requestId = requestId;
    const signed = requestId !== undefined;
    try {
      const { faults, identity } = this.c;
      await this.report('Downloading');
      if (faultHits(identity, 'download', faults.firmwareDownloadFailurePct)) return void (await this.report('DownloadFailed'));
      await this.report('Downloaded');
      if (signed) {
        if (faultHits(identity, 'signature', faults.firmwareInvalidSignaturePct)) return void (await this.report('InvalidSignature'));
        await this.report('SignatureVerified');
        const wait = this.delayUntil(order.installDateTime);
        if (wait > 0) {
          await this.report('InstallScheduled');
          await new Promise<void>((resolve) => this.c.clock.setTimeout(resolve, wait));
        }
      }
      await this.report('Installing');
      const version = versionFromLocation(order.location);
      if (!version || faultHits(identity, 'install', faults.firmwareInstallFailurePct)) return void (await this.report('InstallationFailed'));
      this.c.firmwareVersion = version;
      if (signed) {
        await this.report('InstallRebooting');
        this.busy = false;
        // The whitepaper's order: Installed once the new firmware runs, after the boot that reports it.
        const booted = new Promise<void>((resolve) => this.c.once('booted', () => resolve()));
        await this.c.reboot('Hard');
        await booted;
        this.c.send('SignedFirmwareStatusNotification', { status: 'Installed', requestId });
        return;
      }
      await this.report('Installed');
      // The new firmware runs after a restart: the next BootNotification reports it.
      this.busy = false;
      await this.c.reboot('Hard');
    } finally {
      this.busy = false;
    }
  }

  private async report(status: SignedFirmwareStatus): Promise<void> {
    this.current = status;
    if (this.requestId !== undefined) this.c.send('SignedFirmwareStatusNotification', { status, requestId: this.requestId });
    else this.c.send('FirmwareStatusNotification', { status });
    await new Promise<void>((resolve) => this.c.clock.setTimeout(resolve, this.stepMs));
  }
}
