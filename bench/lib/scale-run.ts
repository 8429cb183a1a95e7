/**
 * One measured run of the scale-out benchmark: G gateways, N chargers spread evenly over them (as a
 * Kubernetes Service spreads connections), L load-client processes each holding a share of every
 * gateway's chargers. Phases: connect at a paced rate and boot; wait until the trailing configuration
 * work is done; an idle window (CPU of sockets alone); a MeterValues window at a known rate (CPU per
 * frame); a command window, MeterValues still flowing, where every gateway's API sends GetConfiguration
 * to chargers held by the other gateways.
 */
import { readFileSync } from 'node:fs';
import type { ConnectResult } from './context.js';
import { sleep, startLoadClient, waitIdle, type Worker } from './procs.js';
import { loadClientsFor, type ScaleOptions } from './scale-args.js';
import { sampleGateway, startScaleStack, type Gateway, type GatewaySample } from './scale-stack.js';
import { round, summarize, type LatencySummary } from './stats.js';

export interface GatewayFigures {
  name: string;
  /** `ocpp_connected_chargers` of this gateway after the connects. */
  chargersHeld: number;
  rssBeforeMiB: number;
  rssAfterMiB: number;
  rssUnderLoadMiB: number;
  rssPerChargerKiB: number;
  heapBeforeMiB: number;
  heapAfterMiB: number;
  heapPerChargerKiB: number;
  idleWindow: { framesPerS: number; millicores: number };
  meterValuesWindow: { framesPerS: number; millicores: number };
  /** Gross: all CPU of the window per 1,000 frames/s; net: minus the idle window's CPU. */
  millicoresPer1kFramesPerS: { gross: number; net: number };
  commandWindow: { framesPerS: number; millicores: number };
  eventLoopP99MsUnderLoad: number;
  /** Commands sent through this gateway's API (to chargers of other gateways when there are several). */
  commandsVia: LatencySummary & { statuses: Record<string, number> };
}

export interface RunFigures {
  label: string;
  gateways: number;
  chargers: number;
  loadClients: number;
  connect: { connected: number; failed: number; retries: number; errors: Record<string, number>; seconds: number; bootP99Ms: number; idleAfterS: number };
  meterValuesPerS: number;
  background: { sent: number; answered: number; skipped: number };
  commandsPerS: number;
  /** Every command of the command window, whichever API it went through. */
  commandLatency: LatencySummary;
  commandStatuses: Record<string, number>;
  perGateway: GatewayFigures[];
}

const MiB = 2 ** 20;
const log = (line: string): void => console.log(`[scale ${new Date().toISOString().slice(11, 19)}] ${line}`);
const idOf = (g: number, i: number): string => `SCALE-G${g}-${String(i).padStart(6, '0')}`;

/** Chargers of gateway g: indices [0, share) with share ≈ N / G (the first N mod G gateways get one more). */
const shareOf = (n: number, gateways: number, g: number): number => Math.floor(n / gateways) + (g < n % gateways ? 1 : 0);

async function sampleAll(gs: Gateway[]): Promise<GatewaySample[]> {
  return Promise.all(gs.map(sampleGateway));
}

/** Waits until no gateway sent or received a frame for 3 s in a row (at most `limitMs`). */
async function framesStill(gs: Gateway[], limitMs: number): Promise<void> {
  const end = Date.now() + limitMs;
  let prev = await sampleAll(gs);
  let quiet = 0;
  while (quiet < 3 && Date.now() < end) {
    await sleep(1_000);
    const now = await sampleAll(gs);
    quiet = now.every((x, i) => x.framesIn + x.framesOut === prev[i].framesIn + prev[i].framesOut) ? quiet + 1 : 0;
    prev = now;
  }
}

const coresBetween = (a: GatewaySample, b: GatewaySample): number => (b.cpuS - a.cpuS) / ((b.at - a.at) / 1000);
const framesPerS = (a: GatewaySample, b: GatewaySample): number => (b.framesIn + b.framesOut - a.framesIn - a.framesOut) / ((b.at - a.at) / 1000);

export async function measureRun(o: ScaleOptions, label: string, gatewayCount: number, chargers: number, mvRate: number): Promise<RunFigures> {
  const nofile = Number(/Max open files\s+(\d+)/.exec(readFileSync('/proc/self/limits', 'utf8'))?.[1] ?? Infinity);
  const perGateway = Math.ceil(chargers / gatewayCount);
  const clients = loadClientsFor(o, chargers);
  // A socket is one descriptor in the gateway and one in a load client; both need headroom for their own files.
  for (const [what, n] of [
    ['gateway', perGateway],
    ['load client', Math.ceil(chargers / clients)],
  ] as const) {
    if (n > nofile - 600)
      throw new Error(
        `${n} sockets per ${what} process exceed the open-files limit ${nofile} (minus 600 for the process's own files): use more ${what === 'gateway' ? '--gateways' : '--load-clients'}`,
      );
  }
  log(`${label}: starting NATS, PostgreSQL database, auth, config-manager, metering and ${gatewayCount} gateway(s)`);
  const stack = await startScaleStack(gatewayCount, label);
  const lcs: Worker[] = [];
  try {
    for (let l = 0; l < clients; l++) lcs.push(await startLoadClient(`${label}-load-client-${l}`));
    const gs = stack.gateways;
    const before = await sampleAll(gs);

    // Connect: every load client takes a slice of every gateway's chargers, a share of the concurrency each.
    const concurrency = Math.max(1, Math.round(o.connectConcurrency / (clients * gatewayCount)));
    log(
      `${label}: connecting ${chargers} chargers over ${gatewayCount} gateway(s) from ${clients} load client(s), ${concurrency * clients * gatewayCount} at once`,
    );
    const t0 = performance.now();
    const progress = setInterval(() => {
      void sampleAll(gs).then(
        (s) => log(`${label}: ${((performance.now() - t0) / 1000).toFixed(0)} s: held ${s.map((x) => x.connected).join(' / ')}`),
        () => undefined,
      );
    }, 15_000);
    const jobs = gs.flatMap((g, gi) => {
      const share = shareOf(chargers, gatewayCount, gi);
      return lcs.map((lc, l) => {
        const from = Math.floor((share * l) / clients);
        const count = Math.floor((share * (l + 1)) / clients) - from;
        return lc.call<ConnectResult>('connect', {
          group: 'scale',
          url: g.ocppUrl,
          prefix: `SCALE-G${gi}-`,
          from,
          count,
          boot: true,
          spreadMs: 0,
          concurrency,
          localAddrs: o.localAddrs,
        });
      });
    });
    const results = await Promise.all(jobs).finally(() => clearInterval(progress));
    const connectS = (performance.now() - t0) / 1000;
    const failed = results.reduce((a, r) => a + r.failed, 0);
    const boots = results.map((r) => r.boot.p99).filter(Number.isFinite);
    const errors: Record<string, number> = {};
    for (const r of results) for (const [k, v] of Object.entries(r.errors)) errors[k] = (errors[k] ?? 0) + v;
    log(
      `${label}: ${chargers - failed}/${chargers} booted in ${connectS.toFixed(1)} s (${results.reduce((a, r) => a + r.retries, 0)} retries${Object.keys(errors).length ? `: ${JSON.stringify(errors)}` : ''})`,
    );
    // The configuration reconciliations of first connects trail the boots: wait until they are done. On a
    // busy machine a starved process looks idle by its CPU share, so no frame moving on any gateway decides.
    const idleT0 = Date.now();
    await waitIdle(stack.configManagerPid, 0.05, 300_000);
    await framesStill(gs, 300_000);
    const idleAfterS = (Date.now() - idleT0) / 1000;
    await sleep(1_000);
    const after = await sampleAll(gs);
    log(`${label}: idle after ${idleAfterS.toFixed(0)} s; held ${after.map((s) => s.connected).join(' / ')}`);

    const idleEnd = (await sleep(o.measureS * 1000), await sampleAll(gs));

    // MeterValues at a known rate, spread over every load client's chargers (so over every gateway).
    for (const lc of lcs) await lc.call('startBackground', { group: 'scale', ratePerSec: mvRate / clients });
    await sleep(3_000);
    const mv0 = await sampleAll(gs);
    await sleep(o.measureS * 1000);
    const mv1 = await sampleAll(gs);
    log(
      `${label}: MeterValues window: ${gs.map((g, i) => `${g.name} ${framesPerS(mv0[i], mv1[i]).toFixed(0)} frames/s at ${(coresBetween(mv0[i], mv1[i]) * 1000).toFixed(0)} millicores`).join('; ')}`,
    );

    // Commands: gateway i's API to chargers held by the other gateways (with one gateway: its own).
    const perVia = o.commandsPerS / gatewayCount;
    const targetsFor = (gi: number): string[] => {
      const others = gatewayCount > 1 ? gs.map((_, j) => j).filter((j) => j !== gi) : [gi];
      return Array.from({ length: 600 }, (_, k) => {
        const j = others[k % others.length];
        const i = Math.floor((k * 7919) % shareOf(chargers, gatewayCount, j));
        return `${gs[gi].apiUrl}/api/v1/chargers/${encodeURIComponent(idOf(j, i))}/commands/GetConfiguration`;
      });
    };
    const body = { key: ['HeartbeatInterval'] };
    // Warm-up: each API's first commands pay for lazy set-up, not for scale.
    await Promise.all(
      gs.map((_, gi) => lcs[gi % clients].call('commands', { urls: targetsFor(gi).slice(0, 20), body, ratePerSec: Math.max(5, perVia), durationMs: 1_000 })),
    );
    const c0 = await sampleAll(gs);
    const byVia = await Promise.all(
      gs.map((_, gi) =>
        lcs[gi % clients].call<{ latency: LatencySummary; statuses: Record<string, number>; samples: number[] }>('commands', {
          urls: targetsFor(gi),
          body,
          ratePerSec: perVia,
          durationMs: o.measureS * 1000,
          samples: true,
        }),
      ),
    );
    const c1 = await sampleAll(gs);
    const stopped = await Promise.all(lcs.map((lc) => lc.call<{ sent: number; answered: number; skipped: number }>('stopBackground')));
    const background = stopped.reduce((a, b) => ({ sent: a.sent + b.sent, answered: a.answered + b.answered, skipped: a.skipped + b.skipped }), {
      sent: 0,
      answered: 0,
      skipped: 0,
    });
    const statuses: Record<string, number> = {};
    for (const v of byVia) for (const [k, n] of Object.entries(v.statuses)) statuses[k] = (statuses[k] ?? 0) + n;
    const commandLatency = summarize(byVia.flatMap((v) => v.samples));
    log(`${label}: commands p50 ${commandLatency.p50} ms, p99 ${commandLatency.p99} ms, statuses ${JSON.stringify(statuses)}`);

    const figures = gs.map((g, i): GatewayFigures => {
      const held = after[i].connected;
      const idleCores = coresBetween(after[i], idleEnd[i]);
      const mvCores = coresBetween(mv0[i], mv1[i]);
      const mvFrames = framesPerS(mv0[i], mv1[i]);
      return {
        name: g.name,
        chargersHeld: held,
        rssBeforeMiB: round(before[i].rss / MiB, 1),
        rssAfterMiB: round(after[i].rss / MiB, 1),
        rssUnderLoadMiB: round(c1[i].rss / MiB, 1),
        rssPerChargerKiB: round((after[i].rss - before[i].rss) / held / 1024, 1),
        heapBeforeMiB: round(before[i].heapUsed / MiB, 1),
        heapAfterMiB: round(after[i].heapUsed / MiB, 1),
        heapPerChargerKiB: round((after[i].heapUsed - before[i].heapUsed) / held / 1024, 1),
        idleWindow: { framesPerS: round(framesPerS(after[i], idleEnd[i]), 1), millicores: round(idleCores * 1000, 1) },
        meterValuesWindow: { framesPerS: round(mvFrames, 1), millicores: round(mvCores * 1000, 1) },
        millicoresPer1kFramesPerS: { gross: round((mvCores * 1000) / (mvFrames / 1000), 1), net: round(((mvCores - idleCores) * 1000) / (mvFrames / 1000), 1) },
        commandWindow: { framesPerS: round(framesPerS(c0[i], c1[i]), 1), millicores: round(coresBetween(c0[i], c1[i]) * 1000, 1) },
        eventLoopP99MsUnderLoad: round(c1[i].eventLoopP99S * 1000, 2),
        commandsVia: { ...byVia[i].latency, statuses: byVia[i].statuses },
      };
    });
    return {
      label,
      gateways: gatewayCount,
      chargers,
      loadClients: clients,
      connect: {
        connected: chargers - failed,
        failed,
        retries: results.reduce((a, r) => a + r.retries, 0),
        errors,
        seconds: round(connectS, 1),
        bootP99Ms: boots.length ? Math.max(...boots) : NaN,
        idleAfterS: round(idleAfterS, 1),
      },
      meterValuesPerS: mvRate,
      background,
      commandsPerS: o.commandsPerS,
      commandLatency,
      commandStatuses: statuses,
      perGateway: figures,
    };
  } finally {
    await Promise.all(lcs.map((lc) => lc.stop()));
    await stack.stop();
  }
}
