// Switchable faults seen in the field (ZAPTEC-FACTS "Metering", "Identity & connection").
export interface Faults {
  /** Go 2 [S1]: rarely the last Sample.Periodic arrives after StopTransaction. Here: always one. */
  lateSampleAfterStop: boolean;
  /** Wh added to every register value (register jump after a cloud->native switch [S1][S3]). */
  registerOffsetWh: number;
  /** Go 2 log [S12]: meterStart 2147483647 (register readings stay true). */
  nearInt31: boolean;
  /** Go [S3]: no reconnect after the CSMS closed the link without completing the close handshake (code 1006). */
  noReconnectAfterUnackedClose: boolean;
}

export const NO_FAULTS: Faults = {
  lateSampleAfterStop: false,
  registerOffsetWh: 0,
  nearInt31: false,
  noReconnectAfterUnackedClose: false,
};
