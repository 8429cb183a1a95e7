import { Counter, register } from 'prom-client';

/**
 * Transactions whose meter values could not be trusted (issue 10 §5: "counted in metrics"), by reason
 * (meter-start-out-of-range, energy-above-max-power, ...). Counted after the batch committed, so a
 * redelivered batch is not counted twice.
 */
export const meterAnomalies =
  (register.getSingleMetric('metering_transaction_anomalies_total') as Counter<'reason'> | undefined) ??
  new Counter({ name: 'metering_transaction_anomalies_total', help: 'Stopped transactions flagged with a meterAnomaly, by reason', labelNames: ['reason'] });
