/**
 * docs/reference/design-decisions.md#provisional-chargers: under UNKNOWN_CHARGERS=accept, sockets that connect and
 * never send a BootNotification used to
 * leave a permanent charger each (5,000 silent sockets, 5,000 records). Now such a charger is provisional: listed
 * as such while it is connected, and its records (auth's and the registry's) are removed once
 * PROVISIONAL_CHARGER_TTL_S has passed (1 s here). A charger that booted stays.
 */
import { jest } from '@jest/globals';
import { WebSocket } from 'ws';
import { apiClient } from '../support/api-client.js';
import { eventually, startService, type ServiceProcess } from '../support/processes.js';

jest.setTimeout(180_000);

const SILENT = 40;

let csms: ServiceProcess;
const sockets: WebSocket[] = [];

beforeAll(async () => {
  csms = await startService({ env: { UNKNOWN_CHARGERS: 'accept', PROVISIONAL_CHARGER_TTL_S: '1' } });
});
afterAll(async () => {
  for (const ws of sockets) ws.terminate();
  await csms?.stop();
});

function open(identity: string): Promise<WebSocket> {
  const ws = new WebSocket(`${csms.ocppUrl}/${identity}`, ['ocpp1.6']);
  sockets.push(ws);
  return new Promise((resolve, reject) => ws.once('open', () => resolve(ws)).once('error', reject));
}

async function boot(ws: WebSocket): Promise<unknown> {
  const answer = new Promise<unknown>((resolve) =>
    ws.on('message', (d) => {
      const f = JSON.parse(d.toString()) as unknown[];
      if (f[0] === 3 && f[1] === 'boot-1') resolve(f[2]);
    }),
  );
  ws.send(JSON.stringify([2, 'boot-1', 'BootNotification', { chargePointVendor: 'Acme', chargePointModel: 'One' }]));
  return answer;
}

test('silent sockets leave no charger behind; a charger that booted stays', async () => {
  const api = apiClient(csms.apiUrl);
  const booter = await open('BOOTER-1');
  expect(await boot(booter)).toMatchObject({ status: 'Accepted' });
  const silent = await Promise.all(Array.from({ length: SILENT }, (_, i) => open(`SILENT-${i}`)));

  // While connected they are shown, clearly as provisional; the booted one is not.
  const shown = await eventually(async () => {
    const r = await api.get('/api/v1/chargers?connected=true&limit=1000');
    return r.body.items.length === SILENT + 1 ? r.body.items : undefined;
  }, 'every socket listed as connected');
  for (const c of shown) expect([c.id, c.provisional]).toEqual([c.id, c.id.startsWith('SILENT-')]);

  for (const ws of silent) ws.close();
  // Gone from the registry and from auth once the time to live has passed.
  await eventually(
    async () => {
      const r = await api.get('/api/v1/chargers?limit=1000');
      return r.body.items.some((c: { id: string }) => c.id.startsWith('SILENT-')) ? undefined : true;
    },
    'the silent sockets removed from the registry',
    60_000,
  );
  await eventually(
    async () => {
      const found = await Promise.all(Array.from({ length: SILENT }, async (_, i) => (await api.get(`/api/v1/chargers/SILENT-${i}/authorization-key`)).status));
      return found.every((s) => s === 404) ? true : undefined;
    },
    'the silent sockets removed from auth',
    60_000,
  );

  // The charger that booted, older than the time to live by now, is still known to both.
  expect((await api.get('/api/v1/chargers/BOOTER-1')).body).toMatchObject({ id: 'BOOTER-1', provisional: false, connected: true });
  expect((await api.get('/api/v1/chargers/BOOTER-1/authorization-key')).status).toBe(200);
  // A swept identity that comes back is simply registered again.
  const back = await open('SILENT-0');
  expect(await boot(back)).toMatchObject({ status: 'Accepted' });
});
