import { register } from 'prom-client';

/**
 * The metric registered under `name`, made by `make` the first time. prom-client's registry is process-wide, and
 * Jest or the all-in-one process may load a module that declares a metric twice: a second `new Gauge` of the same
 * name would throw.
 */
export function metricOnce<T>(name: string, make: () => T): T {
  return (register.getSingleMetric(name) as T | undefined) ?? make();
}
