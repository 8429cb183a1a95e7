/**
 * 1. throughput: Heartbeat and MeterValues round trips/s through the gateway (all-in-one, in-process bus,
 *    PGlite) vs a bare `ws` server doing the same parse-and-reply.
 * 3. peer: the same Heartbeat/MeterValues load against a minimal ocpp-rpc RPCServer in strict mode.
 */
import { shared, type BenchOptions, type BenchResult, type ConnectResult, type LoadResult, type Row } from '../lib/context.js';
import { startBaseline, startLoadClient, waitIdle, type Worker } from '../lib/procs.js';
import { ratio, round } from '../lib/stats.js';
import { startAllInOne } from '../lib/system.js';

export interface Target {
  url: string;
  /** The server's process: the loop starts once it went idle after the connects. */
  pid?: number;
  stop(): Promise<void>;
}

/** Connects `o.sockets` chargers at once, each booted, as load group `prefix` (their ids start with it). */
export function connectBooted(lc: Worker, url: string, o: BenchOptions, prefix: string): Promise<ConnectResult> {
  return lc.call<ConnectResult>('connect', {
    group: prefix,
    url,
    prefix,
    from: 0,
    count: o.sockets,
    boot: true,
    spreadMs: 0,
    concurrency: 50,
    localAddrs: 1,
  });
}

/** Connects `sockets` booted chargers, runs the closed loop for each action, closes them. */
export async function closedLoop(
  lc: Worker,
  target: Target,
  o: BenchOptions,
  prefix: string,
  actions: Array<'Heartbeat' | 'MeterValues'>,
): Promise<Record<string, LoadResult>> {
  const group = prefix;
  const conn = await connectBooted(lc, target.url, o, prefix);
  if (conn.failed) console.log(`    ${prefix}: ${conn.failed} of ${o.sockets} sockets failed to connect: ${JSON.stringify(conn.errors)}`);
  // Round trips at steady state: the chargers' first provisioning (configuration reads and changes after each boot,
  // stored in the same process) is over, as in the durable and command-latency benchmarks. Measured while it ran,
  // the figure was the Heartbeat rate of a server also provisioning a hundred chargers.
  if (target.pid !== undefined) await waitIdle(target.pid);
  const out: Record<string, LoadResult> = {};
  for (const action of actions) {
    out[action] = await lc.call<LoadResult>('load', { group, action, warmupMs: o.warmupS * 1000, durationMs: o.durationS * 1000 });
    console.log(
      `    ${prefix} ${action}: ${Math.round(out[action].perSecond)} round trips/s (p50 ${out[action].latency.p50} ms, p99 ${out[action].latency.p99} ms, ${out[action].failed} failed, ${out[action].callErrors} CALLERRORs)`,
    );
  }
  await lc.call('close', { group });
  return out;
}

function rtRow(bench: string, action: string, ours: LoadResult, baselineName: string, base: LoadResult): Row {
  return {
    bench,
    figure: `${action} round trips/s`,
    unit: '1/s',
    ours: round(ours.perSecond, 0),
    baselineName,
    baseline: round(base.perSecond, 0),
    ratio: ratio(ours.perSecond, base.perSecond),
    better: 'higher',
    note: `p99 ${ours.latency.p99} ms vs ${base.latency.p99} ms`,
  };
}

async function runOurs(lc: Worker, o: BenchOptions): Promise<Record<string, LoadResult>> {
  const sys = await startAllInOne();
  try {
    return await closedLoop(lc, { url: sys.wsUrl, pid: sys.pid, stop: sys.stop }, o, `TPO${Date.now() % 100000}-`, ['Heartbeat', 'MeterValues']);
  } finally {
    await sys.stop();
  }
}

export async function throughput(o: BenchOptions): Promise<BenchResult> {
  const lc = await startLoadClient();
  try {
    const ours = await runOurs(lc, o);
    shared.oursHeartbeatPerSec = ours.Heartbeat.perSecond;
    shared.oursMeterValuesPerSec = ours.MeterValues.perSecond;
    const bare = await startBaseline('bare');
    let base: Record<string, LoadResult>;
    try {
      base = await closedLoop(lc, { url: bare.url, pid: bare.worker.child.pid, stop: () => bare.worker.stop() }, o, 'TPB-', ['Heartbeat', 'MeterValues']);
    } finally {
      await bare.worker.stop();
    }
    return {
      rows: [
        rtRow('throughput', 'Heartbeat', ours.Heartbeat, 'bare ws', base.Heartbeat),
        rtRow('throughput', 'MeterValues', ours.MeterValues, 'bare ws', base.MeterValues),
      ],
      details: { ours, bare: base },
      notes: [
        `${o.sockets} sockets, 1 outstanding CALL each, ${o.durationS} s measured after ${o.warmupS} s warm-up, started once each server went idle after the connects (ours: the chargers' first provisioning done); all-in-one on the in-process bus + PGlite (MeterValues stored).`,
      ],
    };
  } finally {
    await lc.stop();
  }
}

export async function peer(o: BenchOptions): Promise<BenchResult> {
  const lc = await startLoadClient();
  try {
    let oursHb = shared.oursHeartbeatPerSec;
    let oursMv = shared.oursMeterValuesPerSec;
    const notes: string[] = [];
    if (oursHb === undefined || oursMv === undefined) {
      const ours = await runOurs(lc, o);
      oursHb = ours.Heartbeat.perSecond;
      oursMv = ours.MeterValues.perSecond;
    } else notes.push('ours: the figures of the throughput benchmark of this run.');
    const rpc = await startBaseline('ocpp-rpc');
    let base: Record<string, LoadResult>;
    try {
      base = await closedLoop(lc, { url: rpc.url, pid: rpc.worker.child.pid, stop: () => rpc.worker.stop() }, o, 'PEER-', ['Heartbeat', 'MeterValues']);
    } finally {
      await rpc.worker.stop();
    }
    const row = (action: 'Heartbeat' | 'MeterValues', v: number): Row => ({
      bench: 'peer',
      figure: `${action} round trips/s`,
      unit: '1/s',
      ours: round(v, 0),
      baselineName: 'ocpp-rpc RPCServer (strictMode)',
      baseline: round(base[action].perSecond, 0),
      ratio: ratio(v, base[action].perSecond),
      better: 'higher',
    });
    notes.push('ocpp-rpc validates every request and response against the OCPP 1.6 schemas (strict mode), as our gateway does; it stores nothing.');
    return { rows: [row('Heartbeat', oursHb), row('MeterValues', oursMv)], details: { ocppRpc: base }, notes };
  } finally {
    await lc.stop();
  }
}
