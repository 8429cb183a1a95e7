/**
 * The system of the scale-out benchmark, as Kubernetes runs it: its own nats-server (JetStream), a fresh
 * PostgreSQL database, auth, config-manager and metering as separate processes, and N gateway processes
 * (the soak's `startApp`, so the services start exactly as the soak and the chaos run start them).
 */
import { createTestDatabase, startNatsServer } from '#csms/testing';
import { startApp, type Service } from '../../tools/soak/services.js';
import { cpuSeconds, onCleanup, rssBytes, trackChild } from './procs.js';

export interface Gateway {
  name: string;
  service: Service;
  pid: number;
  ocppUrl: string;
  apiUrl: string;
}

export interface ScaleStack {
  gateways: Gateway[];
  /** config-manager's pid: the configuration reconciliations trailing the connects run there. */
  configManagerPid: number;
  stop(): Promise<void>;
}

export async function startScaleStack(gatewayCount: number, label: string): Promise<ScaleStack> {
  const undo: Array<() => Promise<unknown>> = [];
  const stop = async (): Promise<void> => {
    for (const u of undo.splice(0).reverse()) await u().catch((e: unknown) => console.error(`cleanup: ${String(e)}`));
  };
  const offCleanup = onCleanup(`scale stack ${label}`, stop);
  try {
    const nats = await startNatsServer({ jetstream: true });
    undo.push(() => nats.dispose());
    const db = await createTestDatabase();
    undo.push(() => db.drop());
    const env = { NATS_URL: nats.url, DATABASE_URL: db.url, UNKNOWN_CHARGERS: 'accept', LOG_LEVEL: 'warn' };
    const started = async (s: Service): Promise<Service> => {
      trackChild(s.child);
      undo.push(async () => {
        const t = setTimeout(() => void s.kill(), 15_000);
        await s.stop();
        clearTimeout(t);
      });
      return s;
    };
    // Migrations run under an advisory lock; one service first keeps the others from queueing on it.
    const configManager = await started(await startApp('config-manager', env));
    for (const app of ['auth', 'metering'] as const) await started(await startApp(app, env));
    const gateways = await Promise.all(
      Array.from({ length: gatewayCount }, async (_, g) => {
        const name = `${label}-gw${g}`;
        const service = await started(await startApp('gateway', { ...env, GATEWAY_ID: name }, name));
        return { name, service, pid: service.child.pid as number, ocppUrl: service.ocppUrl, apiUrl: service.apiUrl };
      }),
    );
    return {
      gateways,
      configManagerPid: configManager.child.pid as number,
      stop: async () => {
        offCleanup();
        await stop();
      },
    };
  } catch (err) {
    offCleanup();
    await stop();
    throw err;
  }
}

async function metricsText(apiUrl: string): Promise<string> {
  const res = await fetch(`${apiUrl}/metrics`, { signal: AbortSignal.timeout(10_000) });
  return res.text();
}

/** Sum of every series of `name` (all label sets) in a Prometheus text exposition. */
export function sumMetric(text: string, name: string): number {
  let sum = 0;
  let seen = false;
  for (const m of text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})?\\s+([0-9.eE+-]+)`, 'gm'))) {
    sum += Number(m[1]);
    seen = true;
  }
  return seen ? sum : NaN;
}

/** What one gateway's /metrics and /proc say at one moment. */
export interface GatewaySample {
  at: number;
  cpuS: number;
  rss: number;
  heapUsed: number;
  connected: number;
  framesIn: number;
  framesOut: number;
  eventLoopP99S: number;
}

export async function sampleGateway(g: Gateway): Promise<GatewaySample> {
  const text = await metricsText(g.apiUrl);
  return {
    at: performance.now(),
    cpuS: cpuSeconds(g.pid),
    rss: rssBytes(g.pid),
    heapUsed: sumMetric(text, 'nodejs_heap_size_used_bytes'),
    connected: sumMetric(text, 'ocpp_connected_chargers'),
    framesIn: sumMetric(text, 'ocpp_frames_in_total'),
    framesOut: sumMetric(text, 'ocpp_frames_out_total'),
    eventLoopP99S: sumMetric(text, 'nodejs_eventloop_lag_p99_seconds'),
  };
}
