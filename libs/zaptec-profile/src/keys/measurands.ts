/** Every Measurand value of OCPP 1.6 edition 2 §7.31, in the specification's order. */
export const MEASURANDS: readonly string[] = [
  'Current.Export',
  'Current.Import',
  'Current.Offered',
  'Energy.Active.Export.Register',
  'Energy.Active.Import.Register',
  'Energy.Reactive.Export.Register',
  'Energy.Reactive.Import.Register',
  'Energy.Active.Export.Interval',
  'Energy.Active.Import.Interval',
  'Energy.Reactive.Export.Interval',
  'Energy.Reactive.Import.Interval',
  'Frequency',
  'Power.Active.Export',
  'Power.Active.Import',
  'Power.Factor',
  'Power.Offered',
  'Power.Reactive.Export',
  'Power.Reactive.Import',
  'RPM',
  'SoC',
  'Temperature',
  'Voltage',
];

/** The CSL keys whose members are measurands (OCPP 1.6 §9.1). */
export const MEASURAND_LIST_KEYS: readonly string[] = ['MeterValuesAlignedData', 'MeterValuesSampledData', 'StopTxnAlignedData', 'StopTxnSampledData'];
