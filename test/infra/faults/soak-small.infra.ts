/**
 * Issue 7 §5 at small size: the soak script itself (dist/tools/soak/soak.js, built by tools/build.mjs)
 * with 50 chargers for about a minute. It starts its own NATS, database, services and two gateways,
 * drains gateway A with SIGTERM and restarts it, and exits non-zero on any lost acknowledged message.
 */
import { jest } from '@jest/globals';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describeInfra } from '#csms/testing';
import { repoRoot } from '../../support/processes.js';

jest.setTimeout(600_000);

interface Summary {
  chargers: number;
  meterValuesAcked: number;
  rowsStored: number;
  lost: number;
  doubled: number;
  extra: number;
  gatewayAExitCode: number;
  closeCodes: Record<string, number>;
  reconnectAllMs: number;
  commandsDuringRestart: { toStableChargers: { ok: number; failed: number } };
  commandsAfterRestart: { ok: number; failed: number };
}

describeInfra('soak at small size: two gateways, one drained and restarted', () => {
  test('50 chargers: every charger back, no acknowledged MeterValues lost, commands kept reaching chargers', async () => {
    const script = join(repoRoot, 'dist/tools/soak/soak.js');
    if (!existsSync(script)) throw new Error(`${script} is missing: build first (node tools/build.mjs)`);
    const { code, out } = await new Promise<{ code: number | null; out: string }>((resolve) => {
      let text = '';
      const child = spawn(process.execPath, [script, '--chargers', '50', '--minutes', '1', '--drain-ms', '3000'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout.on('data', (d: Buffer) => (text += d.toString()));
      child.stderr.on('data', (d: Buffer) => (text += d.toString()));
      child.once('exit', (c) => resolve({ code: c, out: text }));
    });
    const line = out.split('\n').find((l) => l.startsWith('SOAK SUMMARY '));
    if (!line) throw new Error(`the soak printed no summary (exit ${code}):\n${out.slice(-5_000)}`);
    const summary = JSON.parse(line.slice('SOAK SUMMARY '.length)) as Summary;
    console.log(line);
    expect(summary.lost).toBe(0);
    expect(summary.doubled).toBe(0);
    expect(summary.extra).toBe(0);
    expect(summary.rowsStored).toBe(summary.meterValuesAcked);
    expect(summary.meterValuesAcked).toBeGreaterThan(0);
    expect(summary.gatewayAExitCode).toBe(0);
    // Gateway A had half of the fleet: each of its sockets was closed with 1012 (service restart).
    expect(summary.closeCodes).toEqual({ '1012': 25 });
    expect(summary.commandsDuringRestart.toStableChargers.failed).toBe(0);
    expect(summary.commandsDuringRestart.toStableChargers.ok).toBeGreaterThan(0);
    expect(summary.commandsAfterRestart).toEqual({ ok: 25, failed: 0 });
    expect(code).toBe(0);
  });
});
