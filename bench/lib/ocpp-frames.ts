/** Hand-rolled OCPP-J 1.6 payloads for the load client and the bare baselines (no schema, no validation: cheap). */

export const SAMPLED_VALUES_PER_METER_VALUES = 4;

export function bootPayload(serial: string): Record<string, unknown> {
  return { chargePointVendor: 'Zaptec', chargePointModel: 'Go', chargePointSerialNumber: serial, firmwareVersion: 'bench' };
}

/** One MeterValues request with SAMPLED_VALUES_PER_METER_VALUES sampled values; `seq` makes its timestamp unique per charger. */
export function meterValuesPayload(seq: number, baseMs: number): Record<string, unknown> {
  const ts = new Date(baseMs + seq * 1000).toISOString();
  const wh = 1000 + seq * 10;
  return {
    connectorId: 1,
    meterValue: [
      {
        timestamp: ts,
        sampledValue: [
          { value: String(wh), context: 'Sample.Periodic', measurand: 'Energy.Active.Import.Register', unit: 'Wh' },
          { value: '7200', context: 'Sample.Periodic', measurand: 'Power.Active.Import', unit: 'W' },
          { value: '16.0', context: 'Sample.Periodic', measurand: 'Current.Import', phase: 'L1', unit: 'A' },
          { value: '230.1', context: 'Sample.Periodic', measurand: 'Voltage', phase: 'L1-N', unit: 'V' },
        ],
      },
    ],
  };
}

/** What a bare central system answers to a charger CALL. */
export function centralAnswerFor(action: string): Record<string, unknown> {
  switch (action) {
    case 'BootNotification':
      return { status: 'Accepted', currentTime: new Date().toISOString(), interval: 300 };
    case 'Heartbeat':
      return { currentTime: new Date().toISOString() };
    case 'Authorize':
    case 'StartTransaction':
      return { idTagInfo: { status: 'Accepted' } };
    default:
      return {};
  }
}
