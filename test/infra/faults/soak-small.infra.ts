/**
 * docs/reference/design-decisions.md#deployment at small size: the soak script itself (dist/tools/soak/soak.js, built by tools/build.mjs)
 * with 50 chargers for half a minute, a reading every 2 s (about the readings of a minute at the default 5 s). It starts its own NATS, database, services and two gateways,
 * drains gateway A with SIGTERM and restarts it, and exits non-zero on any lost acknowledged message.
 */
import { jest } from '@jest/globals';
import { describeInfra } from '#csms/testing';
import { runSoak } from '../../support/soak-run.js';

jest.setTimeout(600_000);

describeInfra('soak at small size: two gateways, one drained and restarted', () => {
  test('50 chargers: every charger back, no acknowledged MeterValues lost, commands kept reaching chargers', async () => {
    const { code, summary } = await runSoak(['--chargers', '50', '--minutes', '0.5', '--meter-interval-ms', '2000', '--drain-ms', '3000']);
    expect(summary.lost).toBe(0);
    expect(summary.doubled).toBe(0);
    expect(summary.extra).toBe(0);
    expect(summary.rowsStored).toBe(summary.meterValuesAcked);
    expect(summary.meterValuesAcked).toBeGreaterThan(0);
    expect(summary.replacements.map((r) => [r.gateway, r.exitCode, r.moved])).toEqual([['A', 0, 25]]);
    // Gateway A had half of the fleet: each of its sockets was closed with 1012 (service restart).
    expect(summary.closeCodes).toEqual({ '1012': 25 });
    expect(summary.commandsDuringReplacements.toStableChargers.failed).toBe(0);
    expect(summary.commandsDuringReplacements.toStableChargers.ok).toBeGreaterThan(0);
    expect(summary.commandsAfterEachRestart).toEqual({ ok: 25, failed: 0 });
    expect(code).toBe(0);
  });
});
