/** Results as JSON and as a Markdown table in bench/results/, with the machine they were measured on. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem, release } from 'node:os';
import { join } from 'node:path';
import type { BenchOptions, Row } from './context.js';
import type { ServerRoot } from './server-root.js';

export function machine(): Record<string, string | number> {
  const c = cpus();
  return {
    cores: c.length,
    cpu: c[0]?.model ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    os: `${process.platform} ${release()}`,
    // Other work on the machine skews every figure: the 1-minute load average when the run started.
    loadAverage1m: Math.round(loadavg()[0] * 100) / 100,
  };
}

function fmt(v: number): string {
  if (!Number.isFinite(v)) return 'n/a';
  return Math.abs(v) >= 1000 ? Math.round(v).toLocaleString('en-US') : String(v);
}

export function markdown(
  date: string,
  m: Record<string, string | number>,
  o: BenchOptions,
  rows: Row[],
  notes: Record<string, string[]>,
  skipped: Record<string, string>,
  sut: ServerRoot,
): string {
  const lines = [
    `## Benchmark run ${date}`,
    '',
    `Machine: ${m.cores} cores (${m.cpu}), ${m.memoryGiB} GiB RAM, Node ${m.node}, ${m.os}, load average ${m.loadAverage1m} at start. Mode: ${o.quick ? '--quick' : 'default'}${o.basicAuth ? ', chargers with Basic Auth (--basic-auth)' : ''}${o.busy ? ', one core burnt by a sibling process (--busy)' : ''}.`,
    '',
    // A run of another checkout's build must never pass for one of this code.
    ...(sut.own ? [] : [`System under test: the build of ${sut.dir} at ${sut.revision} (--server-root), not this checkout's.`, '']),
    '| Benchmark | Figure | Ours | Baseline | Baseline figure | Ratio ours/baseline | Better |',
    '|---|---|---:|---|---:|---:|---|',
    ...rows.map(
      (r) =>
        `| ${r.bench} | ${r.figure} (${r.unit}) | ${fmt(r.ours)} | ${r.baselineName} | ${fmt(r.baseline)} | ${Number.isFinite(r.ratio) ? r.ratio.toFixed(2) : 'n/a'} | ${r.better}${r.note ? `; ${r.note}` : ''} |`,
    ),
    '',
  ];
  for (const [bench, ns] of Object.entries(notes)) for (const n of ns) lines.push(`- ${bench}: ${n}`);
  for (const [bench, why] of Object.entries(skipped)) lines.push(`- ${bench}: **not measured**: ${why}`);
  lines.push('');
  return lines.join('\n');
}

export function writeResults(dir: string, stamp: string, json: unknown, md: string): { json: string; md: string } {
  mkdirSync(dir, { recursive: true });
  const base = join(dir, `bench-${stamp}`);
  writeFileSync(`${base}.json`, JSON.stringify(json, null, 2) + '\n');
  writeFileSync(`${base}.md`, md);
  return { json: `${base}.json`, md: `${base}.md` };
}
