/** What the firmware campaign part is given by ConfigManagerModule. */
export interface FirmwareModuleOptions {
  /** How often campaigns are swept (timeouts, campaigns another replica left half-advanced). */
  sweepIntervalMs: number;
}

export const FIRMWARE_OPTIONS = Symbol.for('csms.config-manager.firmware-options');
