// Switchable faults seen in the field (docs/reference/zaptec-facts.md#metering, docs/reference/zaptec-facts.md#reconnect-after-close).
export interface Faults {
  /** Go 2 (docs/reference/zaptec-facts.md#metering): rarely the last Sample.Periodic arrives after StopTransaction. Here: always one. */
  lateSampleAfterStop: boolean;
  /** Wh added to every register value (register jump after a cloud->native switch, docs/reference/zaptec-facts.md#metering). */
  registerOffsetWh: number;
  /** A Go 2 log (docs/reference/zaptec-facts.md#metering): meterStart 2147483647 (register readings stay true). */
  nearInt31: boolean;
  /**
   * Go (docs/reference/zaptec-facts.md#reconnect-after-close): no reconnect after the CSMS closed the link without
   * completing the close handshake (code 1006).
   */
  noReconnectAfterUnackedClose: boolean;
  /** Diagnostics and logs (docs/diagnostics.md): report UploadFailed without uploading, as a charger whose upload broke. */
  diagnosticsUploadFails: boolean;
  /**
   * UpdateFirmware: percent of chargers whose download fails (DownloadFailed, nothing installed). Which ones is a
   * hash of the identity, so a fleet run is reproducible (100: every charger, 0: none).
   */
  firmwareDownloadFailurePct: number;
  /** UpdateFirmware: percent of chargers whose installation fails after the download (InstallationFailed, old version kept). */
  firmwareInstallFailurePct: number;
  /** SignedUpdateFirmware: percent of chargers whose signature check fails after the download (InvalidSignature, nothing installed). */
  firmwareInvalidSignaturePct: number;
}

export const NO_FAULTS: Faults = {
  lateSampleAfterStop: false,
  registerOffsetWh: 0,
  nearInt31: false,
  noReconnectAfterUnackedClose: false,
  diagnosticsUploadFails: false,
  firmwareDownloadFailurePct: 0,
  firmwareInstallFailurePct: 0,
  firmwareInvalidSignaturePct: 0,
};
