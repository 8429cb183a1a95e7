/**
 * 10. `npm test` (opt-in: `--only npm-test`, about half an hour here): its wall time and each stage's (lint, build,
 *     then every Jest tier), read from the markers tools/test.mjs prints, beside the time the test files themselves
 *     ran: the sum of Jest's per-file run time (each file's endTime - startTime) in the tier's JSON report (tmp/jest-<tier>.json).
 *     That baseline is the work no harness can remove; the ratio says what lint, build, Jest's start-up and module
 *     transforms add, or what the unit tier's parallel workers win back.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { repoRoot } from '../../test/support/processes.js';
import type { BenchOptions, BenchResult, Row } from '../lib/context.js';
import { npmCommand } from '../lib/npm.js';
import { onCleanup } from '../lib/procs.js';
import { ratio, round } from '../lib/stats.js';

/** The issue's target for `npm test` on 2 cores. */
const TARGET_S = 480;
/** --quick: every stage runs, each Jest tier on the bench's own specs only. */
const QUICK_ARGS = ['--testPathPatterns=bench/lib/', '--passWithNoTests'];

interface JestReport {
  numTotalTests: number;
  numFailedTests: number;
  testResults: Array<{ startTime: number; endTime: number }>;
}

/**
 * Seconds of each stage: from its start marker to its end marker (`=== <tier> tests (...): passed in N s ===`, when
 * tools/test.mjs prints one: tiers may run side by side), else to the next stage's start (one after the other).
 */
function stages(starts: Array<[string, number]>, ends: Map<string, number>, lastMs: number): Record<string, number> {
  const out: Record<string, number> = {};
  starts.forEach(([name, at], i) => (out[name] = ((ends.get(name) ?? starts[i + 1]?.[1] ?? lastMs) - at) / 1000));
  return out;
}

export async function npmTest(o: BenchOptions): Promise<BenchResult> {
  const [npm, npmArgs] = npmCommand();
  const args = [...npmArgs, 'test', ...(o.quick ? ['--', ...QUICK_ARGS] : [])];
  mkdirSync(join(repoRoot, 'tmp'), { recursive: true });
  const log = join(repoRoot, 'tmp', 'bench-npm-test.log');
  const out = createWriteStream(log);
  const starts: Array<[string, number]> = [];
  const ends = new Map<string, number>();
  let summary = '';
  const t0 = performance.now();
  const child = spawn(npm, args, { cwd: repoRoot, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  const off = onCleanup('npm test', () => child.exitCode === null && child.kill('SIGTERM'));
  child.stderr.pipe(out, { end: false });
  let endMs = 0;
  for await (const line of createInterface({ input: child.stdout })) {
    out.write(`${line}\n`);
    const at = performance.now() - t0;
    const tier = /^=== (\S+) tests \(.*?\)(: (passed|FAILED) in \d+ s ===)?/.exec(line);
    if (line.startsWith('=== lint')) starts.push(['lint', at]);
    // The build starts as the last lint check (prettier) reports.
    else if (line.startsWith('lint: prettier')) starts.push(['build', at]);
    else if (tier?.[2]) ends.set(tier[1], at);
    else if (tier && !starts.some(([n]) => n === tier[1])) starts.push([tier[1], at]);
    else if (line.startsWith('tiers failed:')) endMs = at;
    else if (line.startsWith('tests: ')) summary = line;
  }
  const code: number = child.exitCode ?? (await new Promise<number>((r) => child.once('exit', (c) => r(c ?? 1))));
  const wallS = (performance.now() - t0) / 1000;
  off();
  out.end();
  const times = stages(starts, ends, endMs || performance.now() - t0);
  const rows: Row[] = [];
  let filesTotal = 0;
  for (const [tier, s] of Object.entries(times)) {
    const file = join(repoRoot, 'tmp', `jest-${tier}.json`);
    if (tier === 'lint' || tier === 'build' || !existsSync(file) || statSync(file).mtimeMs < Date.now() - wallS * 1000) continue;
    const r = JSON.parse(readFileSync(file, 'utf8')) as JestReport;
    const files = r.testResults.reduce((sum, t) => sum + (t.endTime - t.startTime), 0) / 1000;
    filesTotal += files;
    rows.push({
      bench: 'npm test',
      figure: `${tier} tier wall time`,
      unit: 's',
      ours: round(s, 1),
      baselineName: "the tier's test files' own run time (sum of Jest's per-file times)",
      baseline: round(files, 1),
      ratio: ratio(s, files),
      better: 'lower',
      note: `${r.testResults.length} files, ${r.numTotalTests} tests, ${r.numFailedTests} failed`,
    });
  }
  rows.unshift({
    bench: 'npm test',
    figure: `\`npm test\` wall time (${Object.keys(times).join(', ')})`,
    unit: 's',
    ours: round(wallS, 1),
    baselineName: "all test files' own run time (sum of Jest's per-file times)",
    baseline: round(filesTotal, 1),
    ratio: ratio(wallS, filesTotal),
    better: 'lower',
    note: `target ${TARGET_S} s (ours/target ${ratio(wallS, TARGET_S)}); exit code ${code}; lint ${round(times.lint ?? NaN, 1)} s, build ${round(times.build ?? NaN, 1)} s; ${summary || 'no summary line'}`,
  });
  console.log(`    npm test: exit ${code} after ${wallS.toFixed(0)} s; stages ${JSON.stringify(times)}; ${summary}; output in ${log}`);
  return {
    rows,
    details: { args, exitCode: code, wallS, stages: times, summary, log },
    notes: [
      `\`npm test\` (tools/test.mjs: lint, build, then the Jest tiers: unit, e2e, browser, infra)${o.quick ? ` with --quick: each tier restricted by ${QUICK_ARGS.join(' ')}` : ''}. Stage times from the markers it prints (a tier's own end marker when it prints one, as tiers may run side by side); the baseline is the sum over test files of Jest's per-file time (endTime - startTime) in tmp/jest-<tier>.json, the time the tests themselves ran: a ratio above 1 is what lint, build and Jest's start-up and transforms add, below 1 what parallel workers win. Not in the default run (about 30 minutes on 2 cores).`,
    ],
  };
}
