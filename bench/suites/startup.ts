/**
 * 9. second `npm start` with nothing changed: the build is a no-op (tools/build.mjs compares its inputs'
 *    fingerprint) and the all-in-one opens the data directory of its first start; the figure is the time from
 *    spawning `npm start` until GET /health/ready answers 200. Also `node dist/apps/csms/main.js` alone. Baseline:
 *    a bare `node -e` HTTP server, from spawning it until it answers, timed the same way.
 */
import { spawn, spawnSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort, tempDir } from '../../test/support/processes.js';
import type { BenchOptions, BenchResult, Row } from '../lib/context.js';
import { npmCommand } from '../lib/npm.js';
import { onCleanup, sleep } from '../lib/procs.js';
import { serverRoot } from '../lib/server-root.js';
import { ratio, round } from '../lib/stats.js';

/** The target for a second start. */
const TARGET_S = 3;
const LIMIT_MS = 120_000;

/** No process group left: the spawned command and everything it started have exited. */
function groupGone(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return false;
  } catch {
    return true;
  }
}

/**
 * Spawns `cmd` in its own process group, polls `url` every 10 ms until it answers 200 and returns the time from the
 * spawn; then SIGTERMs the group and waits until it is gone (SIGKILL after 15 s), so the next start finds free ports.
 */
async function timeUntilReady(cmd: string, args: string[], env: Record<string, string>, url: string): Promise<number> {
  const t0 = performance.now();
  const child = spawn(cmd, args, { cwd: serverRoot().dir, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4_000)));
  const pgid = child.pid as number;
  const off = onCleanup(`startup ${cmd}`, () => !groupGone(pgid) && process.kill(-pgid, 'SIGKILL'));
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${cmd} ${args.join(' ')} exited with ${child.exitCode}: ${err}`);
      if (performance.now() - t0 > LIMIT_MS) throw new Error(`${cmd} ${args.join(' ')} not ready within ${LIMIT_MS} ms: ${err}`);
      const ok = await fetch(url).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return performance.now() - t0;
      await sleep(10);
    }
  } finally {
    if (!groupGone(pgid)) process.kill(-pgid, 'SIGTERM');
    const t = Date.now();
    while (!groupGone(pgid) && Date.now() - t < 15_000) await sleep(50);
    if (!groupGone(pgid)) process.kill(-pgid, 'SIGKILL');
    off();
  }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function startup(o: BenchOptions): Promise<BenchResult> {
  const repeats = o.quick ? 1 : 3;
  // The run starts after `npm run build`: this first build must find nothing to do, as the second `npm start` will.
  const b0 = performance.now();
  const root = serverRoot().dir;
  const build = spawnSync(process.execPath, [join(root, 'tools/build.mjs')], { cwd: root, encoding: 'utf8' });
  const buildMs = performance.now() - b0;
  if (build.status !== 0) throw new Error(`node tools/build.mjs failed: ${build.stderr}`);
  const dataDir = tempDir('csms-bench-startup-');
  const offDir = onCleanup('startup data directory', () => rm(dataDir, { recursive: true, force: true }));
  try {
    const apiPort = await freePort();
    const ocppPort = await freePort();
    const env = { API_PORT: String(apiPort), OCPP_PORT: String(ocppPort), DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
    const ready = `http://127.0.0.1:${apiPort}/health/ready`;
    const [npm, npmArgs] = npmCommand();
    // The first start creates the data directory (database, migrations): not measured.
    const firstMs = await timeUntilReady(npm, [...npmArgs, 'start', '--silent'], env, ready);
    const npmStart: number[] = [];
    const nodeOnly: number[] = [];
    const bare: number[] = [];
    const bareServer = `require('node:http').createServer((q, s) => s.end('ok')).listen(${apiPort}, '127.0.0.1')`;
    for (let i = 0; i < repeats; i++) {
      npmStart.push(await timeUntilReady(npm, [...npmArgs, 'start', '--silent'], env, ready));
      nodeOnly.push(await timeUntilReady(process.execPath, [join(root, 'dist/apps/csms/main.js')], env, ready));
      bare.push(await timeUntilReady(process.execPath, ['-e', bareServer], {}, ready));
    }
    const [s, n, b] = [median(npmStart), median(nodeOnly), median(bare)].map((ms) => ms / 1000);
    console.log(
      `    no-op build ${round(buildMs / 1000)} s (${build.stdout.trim()}); first start ${round(firstMs / 1000)} s; second npm start ${npmStart.map((x) => round(x / 1000)).join(', ')} s; node main.js ${nodeOnly.map((x) => round(x / 1000)).join(', ')} s; bare node -e ${bare.map((x) => round(x / 1000)).join(', ')} s`,
    );
    const base = {
      bench: 'startup',
      unit: 's',
      baselineName: 'bare `node -e` HTTP server: spawn until it answers',
      baseline: round(b, 3),
      better: 'lower' as const,
    };
    const rows: Row[] = [
      {
        ...base,
        figure: 'second `npm start` (nothing changed): spawn until /health/ready',
        ours: round(s, 2),
        ratio: ratio(s, b),
        note: `target ${TARGET_S} s (ours/target ${ratio(s, TARGET_S)}); median of ${repeats}; includes npm and the no-op prestart build`,
      },
      {
        ...base,
        figure: '`node dist/apps/csms/main.js` alone: spawn until /health/ready',
        ours: round(n, 2),
        ratio: ratio(n, b),
        note: `median of ${repeats}`,
      },
    ];
    return {
      rows,
      details: { noopBuildMs: buildMs, buildOutput: build.stdout.trim(), firstStartMs: firstMs, npmStartMs: npmStart, nodeOnlyMs: nodeOnly, bareMs: bare },
      notes: [
        `The all-in-one as \`npm start\` runs it (in-process bus + PGlite), with a data directory its first (unmeasured) start created. \`node tools/build.mjs\` runs once before (here ${round(buildMs / 1000)} s: "${build.stdout.trim()}"), so the prestart build of each measured start has nothing to do. Each start is spawned in its own process group; GET /health/ready is polled every 10 ms; the group is stopped and gone before the next start. Median of ${repeats} starts each, interleaved.`,
      ],
    };
  } finally {
    offDir();
    await rm(dataDir, { recursive: true, force: true });
  }
}
