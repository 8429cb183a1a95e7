import { Counter, Gauge, Histogram } from 'prom-client';
import { FrameCounter } from './frame-counter.js';
import { metricOnce as once } from '#csms/http';

/** The gateway's Prometheus metrics (docs/reference/design-decisions.md#deployment: /metrics). */
export const gatewayMetrics = {
  connectedChargers: once('ocpp_connected_chargers', () => new Gauge({ name: 'ocpp_connected_chargers', help: 'Charger sockets open on this gateway' })),
  framesIn: once('ocpp_frames_in_total', () => new FrameCounter({ name: 'ocpp_frames_in_total', help: 'Frames received from chargers' })),
  framesOut: once('ocpp_frames_out_total', () => new FrameCounter({ name: 'ocpp_frames_out_total', help: 'Frames sent to chargers' })),
  callErrors: once(
    'ocpp_callerrors_sent_total',
    () => new Counter({ name: 'ocpp_callerrors_sent_total', help: 'CALLERRORs sent to chargers, by code', labelNames: ['code'] }),
  ),
  badFrames: once(
    'ocpp_bad_frames_total',
    () => new Counter({ name: 'ocpp_bad_frames_total', help: 'Frames that could not be parsed or validated', labelNames: ['reason'] }),
  ),
  authFailures: once(
    'ocpp_upgrade_refusals_total',
    () => new Counter({ name: 'ocpp_upgrade_refusals_total', help: 'WebSocket upgrades refused', labelNames: ['status'] }),
  ),
  commandLatency: once(
    'ocpp_command_duration_seconds',
    () =>
      new Histogram({
        name: 'ocpp_command_duration_seconds',
        help: 'CSMS -> charger command round trip, by action and outcome',
        labelNames: ['action', 'outcome'],
        buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      }),
  ),
  commandSubscriptions: once(
    'ocpp_command_subscriptions',
    () =>
      new Gauge({
        name: 'ocpp_command_subscriptions',
        help: 'Command subscriptions this gateway holds (one per charger it holds; more would deliver commands twice)',
      }),
  ),
  duplicateCommands: once(
    'ocpp_command_duplicates_total',
    () =>
      new Counter({
        name: 'ocpp_command_duplicates_total',
        help: 'Command deliveries answered from the first execution of the same commandId instead of being sent again',
      }),
  ),
  socketsClosed: once(
    'ocpp_sockets_closed_total',
    () => new Counter({ name: 'ocpp_sockets_closed_total', help: 'Charger sockets closed by the gateway, by reason', labelNames: ['reason'] }),
  ),
};
