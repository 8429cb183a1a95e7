/** Runs the built soak (dist/tools/soak/soak.js) as its own process and returns its SOAK SUMMARY. */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './processes.js';

export interface SoakSummary {
  chargers: number;
  gateways: number;
  meterValuesAcked: number;
  rowsStored: number;
  lost: number;
  doubled: number;
  extra: number;
  replacements: Array<{ gateway: string; exitCode: number | null; drainMs: number; reconnectAllMs: number; moved: number }>;
  closeCodes: Record<string, number>;
  commandsDuringReplacements: { toStableChargers: { ok: number; failed: number }; toMovingChargers: { ok: number; notYetBack: number } };
  commandsAfterEachRestart: { ok: number; failed: number };
}

export async function runSoak(args: string[]): Promise<{ code: number | null; summary: SoakSummary }> {
  const script = join(repoRoot, 'dist/tools/soak/soak.js');
  if (!existsSync(script)) throw new Error(`${script} is missing: build first (node tools/build.mjs)`);
  const { code, out } = await new Promise<{ code: number | null; out: string }>((resolve) => {
    let text = '';
    const child = spawn(process.execPath, [script, ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (d: Buffer) => (text += d.toString()));
    child.stderr.on('data', (d: Buffer) => (text += d.toString()));
    child.once('exit', (c) => resolve({ code: c, out: text }));
  });
  const line = out.split('\n').find((l) => l.startsWith('SOAK SUMMARY '));
  if (!line) throw new Error(`the soak printed no summary (exit ${code}):\n${out.slice(-5_000)}`);
  console.log(line);
  if (code !== 0)
    console.log(
      out
        .split('\n')
        .filter((l) => l.startsWith('SOAK FAILURE'))
        .join('\n'),
    );
  return { code, summary: JSON.parse(line.slice('SOAK SUMMARY '.length)) as SoakSummary };
}
