/**
 * Storable or refused, never both (docs/reference/design-decisions.md#poison-messages): the values a tester sent that
 * the all-in-one acknowledged
 * and then could never store, which stalled storage for every charger. Each is now refused with its 1.6
 * CALLERROR (or, for a leap second, stored as the last millisecond before the next second), the socket
 * stays up, and the readings and statuses of the same and of other chargers keep being stored, also after
 * a restart.
 */
import { jest } from '@jest/globals';
import { apiClient } from '../support/api-client.js';
import { eventually, startService, tempDir, type ServiceProcess } from '../support/processes.js';
import { LEAP_SECOND_STATUS, POISON_FRAMES, energyReading as energy } from '../support/poison-frames.js';
import { connectRawCharger } from '../support/raw-charger.js';

jest.setTimeout(180_000);

const dataDir = tempDir();
let csms: ServiceProcess;
const api = () => apiClient(csms.apiUrl);
const start = async () => (csms = await startService({ env: { DATA_DIR: dataDir } }));

beforeAll(start);
afterAll(async () => {
  await csms?.stop();
});

async function storedReadings(chargerId: string): Promise<number> {
  const res = await api().get(`/api/v1/chargers/${chargerId}/meter-values?limit=100`);
  expect(res.status).toBe(200);
  return res.body.total as number;
}

test('poison values are refused with their CALLERROR and nothing behind them stalls', async () => {
  const bad = await connectRawCharger(csms.ocppUrl, 'POISON-1');
  const good = await connectRawCharger(csms.ocppUrl, 'POISON-2');
  for (const [i, { what, action, payload, code }] of POISON_FRAMES.entries()) {
    bad.send([2, `p${i}`, action, payload]);
    const answer = await bad.reply(`p${i}`);
    expect([what, answer[0], answer[2]]).toEqual([what, 4, code]);
  }

  // A leap second is stored, as 23:59:59.999.
  bad.send([2, 'leap', 'StatusNotification', LEAP_SECOND_STATUS]);
  expect((await bad.reply('leap'))[0]).toBe(3);

  // The same socket and another charger's keep being served and stored.
  bad.send([2, 'ok1', 'MeterValues', { connectorId: 1, meterValue: [energy('2026-11-26T10:01:00Z', 100)] }]);
  good.send([2, 'ok2', 'MeterValues', { connectorId: 1, meterValue: [energy('2026-11-26T10:01:00Z', 200)] }]);
  expect((await bad.reply('ok1'))[0]).toBe(3);
  expect((await good.reply('ok2'))[0]).toBe(3);
  await eventually(
    async () => ((await storedReadings('POISON-1')) === 1 && (await storedReadings('POISON-2')) === 1 ? true : undefined),
    'both readings stored',
  );
  const charger = await eventually(async () => {
    const res = await api().get('/api/v1/chargers/POISON-1');
    return res.body?.connectors?.some((c: { connectorId: number }) => c.connectorId === 1) ? res.body : undefined;
  }, 'the leap-second status stored');
  expect(charger.connectors.find((c: { connectorId: number }) => c.connectorId === 1)).toMatchObject({ status: 'Available' });
  bad.ws.close();
  good.ws.close();

  // After a restart, storage still moves: nothing acknowledged before is stuck in front of new readings.
  await csms.stop();
  await start();
  const again = await connectRawCharger(csms.ocppUrl, 'POISON-2');
  again.send([2, 'ok3', 'MeterValues', { connectorId: 1, meterValue: [energy('2026-11-26T10:02:00Z', 300)] }]);
  expect((await again.reply('ok3'))[0]).toBe(3);
  await eventually(async () => ((await storedReadings('POISON-2')) === 2 ? true : undefined), 'the reading after the restart stored');
  again.ws.close();
});
