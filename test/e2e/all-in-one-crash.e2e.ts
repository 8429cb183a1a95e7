/**
 * The all-in-one process (in-process bus with its journal, embedded PGlite) SIGKILLed under MeterValues load
 * and restarted on the same data dir, three times (docs/reference/design-decisions.md#acknowledged-means-stored): every
 * MeterValues it acknowledged is stored
 * exactly once, with the value the charger sent. Chargers retry an unanswered or refused CALL with the same
 * messageId, as real chargers retry queued transaction messages.
 */
import { jest } from '@jest/globals';
import { PGlite } from '@electric-sql/pglite';
import { join } from 'node:path';
import { RawCharger } from '../../tools/soak/raw-charger.js';
import { apiClient } from '../support/api-client.js';
import { eventually, freePort, startService, tempDir, type ServiceProcess } from '../support/processes.js';
import { compareStored, meterLoop, type AckedReading } from '../support/readings.js';

jest.setTimeout(600_000);

const CHARGERS = 10;
const CRASHES = 3;

test('every reading the all-in-one acknowledged is stored exactly once across SIGKILLs', async () => {
  const dataDir = tempDir();
  const env = { DATA_DIR: dataDir, API_PORT: String(await freePort()), OCPP_PORT: String(await freePort()) };
  let csms: ServiceProcess = await startService({ env });
  const base = Date.parse('2026-03-01T00:00:00.000Z');
  const acked: AckedReading[] = [];
  let stop = false;
  const chargers = Array.from(
    { length: CHARGERS },
    (_, i) => new RawCharger({ id: `AIO${String(i).padStart(3, '0')}`, urls: [csms.ocppUrl], retryDelayMs: 200 }),
  );
  try {
    await Promise.all(chargers.map((c) => c.connect()));
    const loops = chargers.map((c, i) => meterLoop(c, i, base, acked, () => stop));
    const ackedAtLeast = (n: number, what: string): Promise<true> =>
      eventually(async () => (acked.length >= n ? true : undefined), `${n} acknowledged readings (${what})`, 180_000);

    await ackedAtLeast(300, 'warm-up');
    const kills: string[] = [];
    for (let i = 1; i <= CRASHES; i++) {
      await csms.kill();
      kills.push(`kill ${i} at ${acked.length} acked`);
      csms = await startService({ env });
      await ackedAtLeast(acked.length + 300, `after restart ${i}`);
    }
    stop = true;
    await Promise.all(loops);

    // Caught up when the API shows every acknowledged reading (each MeterValues holds two).
    const api = apiClient(csms.apiUrl);
    const storedTotal = async (): Promise<number> => {
      let n = 0;
      for (const c of chargers) n += ((await api.get(`/api/v1/chargers/${c.id}/meter-values?limit=1`)).body?.total as number) ?? 0;
      return n;
    };
    await eventually(async () => ((await storedTotal()) >= acked.length ? true : undefined), 'metering to catch up', 180_000);
    await Promise.all(chargers.map((c) => c.stop()));
    await csms.stop();

    const db = new PGlite(join(dataDir, 'pglite'));
    try {
      const result = await compareStored(async (sql, params) => (await db.query(sql, params)).rows as never[], 'AIO', acked);
      console.log(`all-in-one crash: ${JSON.stringify({ readingsAcked: acked.length, rowsStored: result.rows, kills })}`);
      expect(result.missing).toEqual([]);
      expect(result.doubled).toEqual([]);
      expect(result.wrongValue).toEqual([]);
      expect(result.unexpected).toEqual([]);
      expect(result.rows).toBe(acked.length);
    } finally {
      await db.close();
    }
  } finally {
    stop = true;
    await Promise.all(chargers.map((c) => c.stop().catch(() => undefined)));
    await csms.kill();
  }
});
