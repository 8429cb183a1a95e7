/** The scale-out benchmark's figures as a Markdown section (bench/results and docs/benchmarks.md). */
import type { ScaleOptions } from './scale-args.js';
import type { RunFigures } from './scale-run.js';

const n = (v: number): string => (Number.isFinite(v) ? (Math.abs(v) >= 1000 ? Math.round(v).toLocaleString('en-US') : String(v)) : 'n/a');

function runTable(r: RunFigures): string[] {
  return [
    `### ${r.label}: ${r.gateways} gateway(s), ${n(r.chargers)} chargers, ${r.loadClients} load clients`,
    '',
    `Connect: ${n(r.connect.connected)}/${n(r.chargers)} booted in ${r.connect.seconds} s (${r.connect.retries} retries, worst slice's BootNotification p99 ${n(r.connect.bootP99Ms)} ms), ` +
      `configuration work done (no frame moving) ${r.connect.idleAfterS} s later. MeterValues ${n(r.meterValuesPerS)}/s over the fleet (sent ${n(r.background.sent)}, answered ${n(r.background.answered)}, skipped while busy ${n(r.background.skipped)}). ` +
      `Commands ${r.commandsPerS}/s: p50 ${n(r.commandLatency.p50)} ms, **p99 ${n(r.commandLatency.p99)} ms**, p99.9 ${n(r.commandLatency.p999)} ms over ${n(r.commandLatency.n)} (statuses ${JSON.stringify(r.commandStatuses)}).`,
    '',
    '| Gateway | Chargers held | RSS idle empty -> with chargers -> under load (MiB) | RSS per charger (KiB) | V8 heap per charger (KiB) | Idle window: frames/s, millicores | MeterValues window: frames/s, millicores | Millicores per 1,000 frames/s (gross / net of idle) | Command window: frames/s, millicores | Event-loop p99 under load (ms) | Commands via its API: p50 / p99 (ms) |',
    '|---|---:|---|---:|---:|---:|---|---|---|---:|---|',
    ...r.perGateway.map(
      (g) =>
        `| ${g.name} | ${n(g.chargersHeld)} | ${g.rssBeforeMiB} -> ${g.rssAfterMiB} -> ${g.rssUnderLoadMiB} | ${g.rssPerChargerKiB} | ${g.heapPerChargerKiB} | ${n(g.idleWindow.framesPerS)}, ${g.idleWindow.millicores} | ${n(g.meterValuesWindow.framesPerS)}, ${g.meterValuesWindow.millicores} | ` +
        `${g.millicoresPer1kFramesPerS.gross} / ${g.millicoresPer1kFramesPerS.net} | ${n(g.commandWindow.framesPerS)}, ${g.commandWindow.millicores} | ${g.eventLoopP99MsUnderLoad} | ${n(g.commandsVia.p50)} / ${n(g.commandsVia.p99)} |`,
    ),
    '',
  ];
}

export function scaleMarkdown(date: string, machine: Record<string, string | number>, o: ScaleOptions, runs: RunFigures[]): string {
  return [
    `## Scale-out run ${date}`,
    '',
    `Machine: ${machine.cores} cores (${machine.cpu}), ${machine.memoryGiB} GiB RAM, Node ${machine.node}, ${machine.os}, load average ${machine.loadAverage1m} at start ` +
      `(shared with other work: CPU figures are process CPU time, which other load does not inflate, but latencies are wall-clock). ` +
      `Options: --gateways ${o.gateways} --chargers ${o.chargers} --single-chargers ${o.singleChargers} --connect-concurrency ${o.connectConcurrency} --mv-rate ${o.mvRate} --commands-per-s ${o.commandsPerS} --measure-s ${o.measureS}.`,
    '',
    ...runs.flatMap(runTable),
    "- Every run: its own nats-server (JetStream) and database, auth, config-manager and metering as separate processes, the gateways as separate processes; chargers spread evenly over the gateways, each load client holding a share of every gateway's chargers (raw ws, BootNotification, a Zaptec Go's configuration keys).",
    '- Chargers held: `ocpp_connected_chargers` of each gateway. RSS: VmRSS from /proc before any charger, after the connects once the gateways and config-manager were idle, and at the end of the command window; per charger = (with chargers - empty) / held. V8 heap: `nodejs_heap_size_used_bytes` from /metrics, same moments.',
    `- CPU: utime + stime from /proc/<pid>/stat over each ${o.measureS} s window. Frames = \`ocpp_frames_in_total\` + \`ocpp_frames_out_total\` (a MeterValues and its CALLRESULT are 2 frames; each MeterValues has 4 sampled values). Gross = all the window's CPU per 1,000 frames/s; net = minus the idle window's CPU (sockets and pings alone).`,
    "- Commands: GetConfiguration (key HeartbeatInterval) through POST /api/v1/chargers/:id/commands/GetConfiguration, open loop, every gateway's API in equal shares, each to chargers held by the other gateways (with 1 gateway: its own), MeterValues still flowing; p99 over all of them together and per API.",
    '',
  ].join('\n');
}
