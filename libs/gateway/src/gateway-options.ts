import type { AppConfig } from '#csms/config';
import type { ChargerSocketOptions } from './socket/charger-socket-server.js';

export interface GatewayOptions extends ChargerSocketOptions {
  gatewayId: string;
  drainWindowMs: number;
  /** Where chargers upload diagnostics and logs, and the size limit (docs/diagnostics.md). */
  uploads: { baseUrl: string; maxBytes: number };
}

export const GATEWAY_OPTIONS = Symbol.for('csms.gateway-options');

export function gatewayOptionsFromConfig(config: AppConfig): GatewayOptions {
  return {
    gatewayId: config.gatewayId,
    port: config.ocppPort,
    pathPrefix: config.ocppPathPrefix,
    tls: config.tls,
    commandTimeoutMs: config.commandTimeoutMs,
    pingIntervalMs: config.pingIntervalMs,
    badFramesPerMinute: config.badFramesPerMinute,
    maxSendBufferBytes: config.maxSendBufferBytes,
    maxFrameBytes: config.maxFrameBytes,
    drainWindowMs: config.drainWindowMs,
    uploads: config.uploads,
  };
}
