import { Gauge } from 'prom-client';
import { metricOnce } from '#csms/http';
import type { ArrivalSurge } from './arrival-surge.js';

/** The process's ArrivalSurge, read at scrape time; set while its BootService runs. */
let watched: ArrivalSurge | undefined;

/**
 * Work after a connect or a boot held while chargers arrive in a surge (docs/configuration.md#when-rounds-run). A
 * figure that stays up after a storm ended would say the surge's count is wrong; one that rises in every storm and
 * falls after it is the design.
 */
export const followUpsWaiting = metricOnce(
  'config_followups_waiting',
  () =>
    new Gauge({
      name: 'config_followups_waiting',
      help: 'Reconciliations, queued-command and site-limit follow-ups waiting for a reconnect storm to pass (this process)',
      collect() {
        this.set(watched?.waiting ?? 0);
      },
    }),
);

export function watchSurge(surge: ArrivalSurge | undefined): void {
  watched = surge;
}
