// UpdateFirmware as a charger carries it out (OCPP 1.6 §5.19, §6.26): Accepted at once, then at retrieveDate
// Downloading -> Downloaded (or DownloadFailed) -> Installing -> Installed (or InstallationFailed) -> reboot with
// the new version. Nothing is downloaded; the version comes from the location (docs/api-firmware-campaigns.md#the-simulator).
import type { SimulatedCharger } from './simulated-charger.js';

export type FirmwareStatus = 'Idle' | 'Downloading' | 'Downloaded' | 'DownloadFailed' | 'Installing' | 'Installed' | 'InstallationFailed';

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
  private current: FirmwareStatus = 'Idle';
  private busy = false;
  private waiting: { cancel(): void } | undefined;

  constructor(
    private readonly c: SimulatedCharger,
    private readonly stepMs: number,
  ) {}

  /** What TriggerMessage(FirmwareStatusNotification) reports: Idle unless an update is running (OCPP 1.6 §5.17). */
  get status(): FirmwareStatus {
    return this.busy ? this.current : 'Idle';
  }

  start(location: string, retrieveDate: string): void {
    this.waiting?.cancel();
    const at = Date.parse(retrieveDate);
    const delay = Number.isFinite(at) ? Math.max(0, at - this.c.clock.now()) : 0;
    const timer = this.c.clock.setTimeout(() => void this.run(location), delay);
    this.waiting = { cancel: () => this.c.clock.clearTimeout(timer) };
  }

  private async run(location: string): Promise<void> {
    this.waiting = undefined;
    if (this.busy) return;
    this.busy = true;
    try {
      const { faults, identity } = this.c;
      await this.report('Downloading');
      if (faultHits(identity, 'download', faults.firmwareDownloadFailurePct)) return void (await this.report('DownloadFailed'));
      await this.report('Downloaded');
      await this.report('Installing');
      const version = versionFromLocation(location);
      if (!version || faultHits(identity, 'install', faults.firmwareInstallFailurePct)) return void (await this.report('InstallationFailed'));
      await this.report('Installed');
      this.c.firmwareVersion = version;
      // The new firmware runs after a restart: the next BootNotification reports it.
      this.busy = false;
      await this.c.reboot('Hard');
    } finally {
      this.busy = false;
    }
  }

  private async report(status: FirmwareStatus): Promise<void> {
    this.current = status;
    this.c.send('FirmwareStatusNotification', { status });
    await new Promise<void>((resolve) => this.c.clock.setTimeout(resolve, this.stepMs));
  }
}
