/**
 * 8. configuration reconciliation after a storm: N chargers on the all-in-one (NATS JetStream + PostgreSQL) boot
 *    once (their first provisioning), then all reconnect within the storm window, each reconnect a disconnection
 *    and a connection event; the `config-manager-reconcile` consumer's backlog (pending + unacked) is read every
 *    second until it is empty (docs/reference/design-decisions.md#one-reconciliation-per-connection).
 *    Baseline: the storm itself (time until all chargers booted again), measured in the same run.
 */
import { consumerBacklog } from '../../test/support/readings.js';
import type { BenchOptions, BenchResult, ConnectResult } from '../lib/context.js';
import { sleep, startLoadClient } from '../lib/procs.js';
import { ratio, round } from '../lib/stats.js';
import { startAllInOne } from '../lib/system.js';

/** The issue's target: the backlog of a 10k storm gone within a minute. */
const TARGET_S = 60;
/** Give up reading after this long: a figure beyond it says "not drained" rather than stalling the run. */
const LIMIT_S = 600;

export async function reconcile(o: BenchOptions): Promise<BenchResult> {
  const n = o.reconcileChargers;
  const sys = await startAllInOne({ durable: true });
  const lc = await startLoadClient();
  try {
    const natsUrl = sys.natsUrl as string;
    const backlog = async (): Promise<number> => {
      const b = await consumerBacklog(natsUrl, 'OCPP_EVENTS', 'config-manager-reconcile');
      return b.pending + b.ackPending;
    };
    const job = {
      group: 'r',
      url: sys.wsUrl,
      prefix: 'REC-',
      from: 0,
      count: n,
      boot: true,
      concurrency: 100,
      localAddrs: o.localAddrs,
      basicAuth: o.basicAuth,
    };
    const first = await lc.call<ConnectResult>('connect', { ...job, spreadMs: 0 });
    // The first provisioning of every charger drains first, so the storm starts from an empty backlog.
    const t1 = Date.now();
    while ((await backlog()) > 0 && Date.now() - t1 < LIMIT_S * 1000) await sleep(1_000);
    const provisionedS = (Date.now() - t1) / 1000;
    console.log(
      `    ${first.connected}/${n} booted in ${(first.elapsedMs / 1000).toFixed(1)} s; first provisioning drained ${provisionedS.toFixed(0)} s later`,
    );
    await lc.call('close', { group: 'r' });
    const t0 = Date.now();
    const storm = await lc.call<ConnectResult>('connect', { ...job, spreadMs: o.stormWindowS * 1000 });
    const stormS = storm.elapsedMs / 1000;
    const timeline: Array<[number, number]> = [];
    let peak = 0;
    for (;;) {
      const left = await backlog();
      peak = Math.max(peak, left);
      timeline.push([Math.round((Date.now() - t0) / 1000), left]);
      if (left === 0 || Date.now() - t0 > LIMIT_S * 1000) break;
      await sleep(1_000);
    }
    const goneS = (Date.now() - t0) / 1000;
    const drained = timeline[timeline.length - 1][1] === 0;
    const afterStormS = Math.max(0, goneS - stormS);
    console.log(
      `    storm: ${storm.connected}/${n} booted in ${stormS.toFixed(1)} s (window ${o.stormWindowS} s); backlog peak ${peak}, ${drained ? 'empty' : 'NOT empty'} ${goneS.toFixed(0)} s after the storm began (${afterStormS.toFixed(0)} s after it ended)`,
    );
    return {
      rows: [
        {
          bench: 'reconciliation backlog',
          figure: `backlog gone after a ${n}-charger storm (from its start)`,
          unit: 's',
          ours: round(goneS, 1),
          baselineName: 'the storm itself: time until all booted again',
          baseline: round(stormS, 1),
          ratio: ratio(goneS, stormS),
          better: 'lower',
          note: `${drained ? '' : `NOT drained within ${LIMIT_S} s; `}target ${TARGET_S} s (ours/target ${ratio(goneS, TARGET_S)}); peak backlog ${peak} of ${2 * n} events; ${round(afterStormS, 1)} s after the storm ended`,
        },
      ],
      details: { chargers: n, windowS: o.stormWindowS, firstConnect: first, provisionedS, storm, peak, goneS, drained, timeline },
      notes: [
        `Ours: all-in-one on NATS + PostgreSQL. ${n} chargers boot once (first provisioning; its backlog drains before the storm), all disconnect, then reconnect spread over ${o.stormWindowS} s with a BootNotification: ${2 * n} connection events. The backlog (pending + unacked of the config-manager-reconcile consumer on OCPP_EVENTS) is read every second from the storm's start until it is empty; the ratio is to the storm's own duration (1 = gone as the last charger booted), the note gives it against the ${TARGET_S} s target.`,
      ],
    };
  } finally {
    await lc.stop();
    await sys.stop();
  }
}
