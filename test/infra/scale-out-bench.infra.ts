/**
 * The scale-out benchmark (bench/scale-out.ts, docs/benchmarks.md) at a tiny size: 2 gateways x 50
 * chargers, then 1 gateway x 30. It must complete and report every figure for every gateway; the figures
 * themselves are not judged (no time thresholds). Its flags are strict: an unknown one is exit code 2.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { describeInfra } from '#csms/testing';
import type { RunFigures } from '../../bench/lib/scale-run.js';
import { repoRoot } from '../support/processes.js';

jest.setTimeout(600_000);

const script = join(repoRoot, 'dist/bench/scale-out.js');

function run(args: string[]): Promise<{ code: number | null; out: string }> {
  if (!existsSync(script)) throw new Error(`${script} is missing: build first (node tools/build.mjs)`);
  return new Promise((resolve) => {
    let out = '';
    const child = spawn(process.execPath, [script, ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => resolve({ code, out }));
  });
}

describeInfra('scale-out benchmark at a tiny size', () => {
  test('an unknown flag is refused before anything starts', async () => {
    const { code, out } = await run(['--gateway', '2']);
    expect(code).toBe(2);
    expect(out).toContain('unknown flag --gateway');
  });

  test('2 gateways x 50 chargers and 1 gateway x 30: every gateway reports chargers held, memory, CPU per frame and command latency', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scale-out-'));
    try {
      const { code, out } = await run([
        '--gateways',
        '2',
        '--chargers',
        '100',
        '--single-chargers',
        '30',
        '--measure-s',
        '2',
        '--mv-rate',
        '20',
        '--commands-per-s',
        '10',
        '--connect-concurrency',
        '100',
        '--results-dir',
        dir,
      ]);
      if (code !== 0) console.log(out.slice(-5_000));
      expect(code).toBe(0);
      const files = readdirSync(dir).sort();
      expect(files).toEqual([expect.stringMatching(/^bench-scale-out-.*\.json$/), expect.stringMatching(/^bench-scale-out-.*\.md$/)]);
      const result = JSON.parse(readFileSync(join(dir, files[0]), 'utf8')) as { machine: { loadAverage1m: number }; runs: RunFigures[] };
      expect(typeof result.machine.loadAverage1m).toBe('number');
      expect(result.runs.map((r) => [r.label, r.gateways, r.chargers, r.connect.connected, r.perGateway.length])).toEqual([
        ['scale-out', 2, 100, 100, 2],
        ['single', 1, 30, 30, 1],
      ]);
      for (const r of result.runs) {
        // Each gateway's own gauge says how many it holds: the even spread.
        expect(r.perGateway.map((g) => g.chargersHeld)).toEqual(r.gateways === 2 ? [50, 50] : [30]);
        expect(Object.keys(r.commandStatuses)).toEqual(['200']);
        expect(r.commandLatency.n).toBe(r.commandStatuses['200']);
        for (const g of r.perGateway) {
          for (const v of [g.rssAfterMiB, g.heapAfterMiB, g.rssPerChargerKiB, g.heapPerChargerKiB, g.millicoresPer1kFramesPerS.gross, g.commandsVia.p99])
            expect(Number.isFinite(v)).toBe(true);
          expect(g.meterValuesWindow.framesPerS).toBeGreaterThan(0);
          expect(g.commandsVia.n).toBeGreaterThan(0);
        }
      }
      expect(readFileSync(join(dir, files[1]), 'utf8')).toContain('| scale-out-gw1 | 50 |');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
