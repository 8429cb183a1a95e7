import { Counter, Gauge } from 'prom-client';
import { metricOnce as once } from '#csms/http';

/** The live event stream's metrics: how many listen, what they were sent, who was cut off and why. */
export const eventsMetrics = {
  clients: once('csms_events_clients', () => new Gauge({ name: 'csms_events_clients', help: 'Open GET /api/v1/events streams on this gateway' })),
  sent: once(
    'csms_events_sent_total',
    () => new Counter({ name: 'csms_events_sent_total', help: 'Live events written to event-stream clients, by type', labelNames: ['type'] }),
  ),
  cutOff: once(
    'csms_events_clients_cut_off_total',
    () =>
      new Counter({
        name: 'csms_events_clients_cut_off_total',
        help: 'Event-stream clients cut off for being slow (buffer: EVENTS_CLIENT_BUFFER_BYTES; stall: EVENTS_CLIENT_STALL_S)',
        labelNames: ['reason'],
      }),
  ),
  failed: once(
    'csms_events_streams_failed_total',
    () => new Counter({ name: 'csms_events_streams_failed_total', help: 'Event streams ended by a failure to read the events stream' }),
  ),
};
