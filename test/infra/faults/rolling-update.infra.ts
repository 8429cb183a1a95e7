/**
 * A rolling update of the gateways without downtime (docs/reference/design-decisions.md#deployment), at small size: the soak with three
 * gateways replaced one after another (SIGTERM drain, exit, restart on the same ports, as a Deployment
 * with maxUnavailable 0 does pod by pod) while 200 chargers send MeterValues and commands go through
 * the API. Each drained gateway's chargers reconnect to the others after 1012, every acknowledged
 * reading is stored once, and commands to chargers on the other gateways never fail.
 */
import { jest } from '@jest/globals';
import { describeInfra } from '#csms/testing';
import { runSoak } from '../../support/soak-run.js';

jest.setTimeout(900_000);

describeInfra('rolling update of three gateways under load', () => {
  test('200 chargers: each gateway drained and replaced in turn; nothing acknowledged lost; commands keep working', async () => {
    const { code, summary } = await runSoak([
      '--chargers',
      '200',
      // The three replacements take longer than this: the run lasts as long as they do.
      '--minutes',
      '0.5',
      '--gateways',
      '3',
      '--roll',
      '3',
      '--drain-ms',
      '3000',
      '--meter-interval-ms',
      '2000',
    ]);
    expect(summary.lost).toBe(0);
    expect(summary.doubled).toBe(0);
    expect(summary.extra).toBe(0);
    expect(summary.rowsStored).toBe(summary.meterValuesAcked);
    expect(summary.replacements.map((r) => [r.gateway, r.exitCode])).toEqual([
      ['A', 0],
      ['B', 0],
      ['C', 0],
    ]);
    // Every gateway held chargers when its turn came, and each of those was closed with 1012 only.
    for (const r of summary.replacements) expect(r.moved).toBeGreaterThan(0);
    const moved = summary.replacements.reduce((a, r) => a + r.moved, 0);
    expect(summary.closeCodes).toEqual({ '1012': moved });
    expect(summary.commandsDuringReplacements.toStableChargers.failed).toBe(0);
    expect(summary.commandsDuringReplacements.toStableChargers.ok).toBeGreaterThan(0);
    expect(summary.commandsAfterEachRestart).toEqual({ ok: moved, failed: 0 });
    expect(code).toBe(0);
  });
});
