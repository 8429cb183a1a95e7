/**
 * Command outcomes that tell the truth, for the one command that answers by rebooting (docs/api-commands.md): a Hard
 * Reset the charger carries out by closing its socket before any CALLRESULT comes back 424 "sent, connection
 * lost, outcome unknown" (never 404 "not connected"), and the charger's next BootNotification is linked to
 * that command in the events stream (`charger.boot` with `afterReset.commandId`). A Reset to a charger that is
 * not connected is a 404 and links nothing.
 */
import { jest } from '@jest/globals';
import { startService, type ServiceProcess } from '../support/processes.js';
import { connectRawCharger } from '../support/raw-charger.js';
import { openSse, type SseStream } from '../support/sse-client.js';

jest.setTimeout(120_000);

const ID = 'ZAPRESET001';
let csms: ServiceProcess;
const streams: SseStream[] = [];

beforeAll(async () => {
  csms = await startService();
});
afterAll(async () => {
  for (const s of streams) s.close();
  await csms?.stop();
});

const boot = { chargePointVendor: 'Zaptec', chargePointModel: 'Go', firmwareVersion: '2.4.2.4' };
const post = (path: string, body: unknown): Promise<Response> =>
  fetch(`${csms.apiUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

test('a Hard Reset answered by a reboot: 424 outcome unknown with the command id, and the next boot names that command', async () => {
  const before = await connectRawCharger(csms.ocppUrl, ID);
  before.send([2, 'b1', 'BootNotification', boot]);
  expect((await before.reply('b1'))[2]).toMatchObject({ status: 'Accepted' });

  // The charger reboots at once: the socket goes away before any answer.
  const sent = post(`/api/v1/chargers/${ID}/commands/Reset`, { type: 'Hard' });
  const reset = await before.next((f) => f[0] === 2 && f[2] === 'Reset');
  expect(reset[3]).toEqual({ type: 'Hard' });
  before.ws.terminate();
  const res = await sent;
  expect(res.status).toBe(424);
  const body = (await res.json()) as { error: string; outcome: string; commandId: string; nextBoot?: string };
  expect(body).toMatchObject({ error: 'connection_lost', outcome: 'unknown' });
  expect(body.commandId).toMatch(/^[0-9a-f-]{36}$/);
  expect(body.nextBoot).toContain(body.commandId);

  // Back from the reboot.
  const after = await connectRawCharger(csms.ocppUrl, ID);
  after.send([2, 'b2', 'BootNotification', boot]);
  expect((await after.reply('b2'))[2]).toMatchObject({ status: 'Accepted' });

  // Both boots in the durable stream, from its start: only the second follows the Reset.
  const events = await openSse(`${csms.apiUrl}/api/v1/events?chargerId=${ID}&types=charger.boot&lastEventId=0`);
  streams.push(events);
  expect(events.status).toBe(200);
  await events.next((e) => e.type === 'charger.boot', 1);
  const boots = events.events.filter((e) => e.type === 'charger.boot');
  expect(boots).toHaveLength(2);
  expect(boots[0].data.afterReset).toBeUndefined();
  expect(boots[1].data.afterReset).toMatchObject({ commandId: body.commandId, type: 'Hard', outcome: 'connection-lost' });

  // The link is taken by that boot: the one after it follows no Reset.
  after.send([2, 'b3', 'BootNotification', boot]);
  await after.reply('b3');
  const third = await events.next((e) => e.type === 'charger.boot', 2);
  expect(third.data.afterReset).toBeUndefined();
  after.ws.close();
});

test('a Reset to a charger that is not connected is 404: nothing was sent, nothing is linked', async () => {
  const res = await post('/api/v1/chargers/ZAPRESET404/commands/Reset', { type: 'Soft' });
  expect(res.status).toBe(404);
  expect(await res.json()).toMatchObject({ error: 'not_connected' });
  const c = await connectRawCharger(csms.ocppUrl, 'ZAPRESET404');
  c.send([2, 'b1', 'BootNotification', boot]);
  await c.reply('b1');
  const events = await openSse(`${csms.apiUrl}/api/v1/events?chargerId=ZAPRESET404&types=charger.boot&lastEventId=0`);
  streams.push(events);
  const only = await events.next((e) => e.type === 'charger.boot');
  expect(only.data.afterReset).toBeUndefined();
  c.ws.close();
});
