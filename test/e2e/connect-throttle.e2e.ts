/**
 * docs/reference/design-decisions.md#connect-throttling over real sockets, with the default limits (5 per address and
 * charger, 20 per charger, 20
 * identities per address): the failed-login slow-down protects sites instead of
 * locking them out. Every connection comes from its own loopback address (127.0.0.x), as chargers behind one
 * NAT address or an outsider elsewhere would:
 * - a NAT'ed site: one broken charger fails again and again; its neighbours still connect with their password;
 * - an outsider fails logins for a charger from other addresses; the charger still connects from its own;
 * - spraying many identities from one address is slowed down (429);
 * - every refusal, 429 included, is a security event (aggregated, with a count).
 */
import { jest } from '@jest/globals';
import { WebSocket } from 'ws';
import { apiClient } from '../support/api-client.js';
import { startService, type ServiceProcess } from '../support/processes.js';

jest.setTimeout(300_000);

const basic = (user: string, password: string): string => 'Basic ' + Buffer.from(`${user}:${password}`).toString('base64');

/** Opens a socket from `localAddress`; resolves 'open' or the HTTP status of the refused upgrade. */
function attempt(url: string, localAddress: string, authorization?: string): Promise<number | 'open'> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, ['ocpp1.6'], { localAddress, headers: authorization ? { Authorization: authorization } : {} });
    ws.once('open', () => {
      ws.close();
      resolve('open');
    });
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('error', () => resolve(0));
  });
}

let csms: ServiceProcess;
const password = (id: string): string => `pw-of-${id}-0123456789`;
const login = (id: string, from: string, pw = password(id)) => attempt(`${csms.ocppUrl}/${id}`, from, basic(id, pw));

beforeAll(async () => {
  // A first slow-down of 60 s instead of 1 s: a block outlasts every step below however slow the machine is.
  csms = await startService({ env: { UNKNOWN_CHARGERS: 'reject', THROTTLE_FIRST_BACKOFF_S: '60' } });
  const api = apiClient(csms.apiUrl);
  for (const id of ['SITE-BROKEN', 'SITE-1', 'SITE-2', 'SITE-3', 'SITE-4', 'VICTIM-1', 'SPRAY-TARGET']) {
    expect((await api.post('/api/v1/chargers', { id, securityProfile: 1, password: password(id) })).status).toBe(201);
  }
});
afterAll(async () => {
  await csms?.stop();
});

test('a NAT site: one charger failing over and over does not keep its neighbours behind the same address out', async () => {
  const site = '127.0.0.2';
  for (const id of ['SITE-1', 'SITE-2']) expect(await login(id, site)).toBe('open');
  const broken: Array<number | 'open'> = [];
  for (let i = 0; i < 30; i++) broken.push(await login('SITE-BROKEN', site, 'an-old-key-it-still-sends'));
  // It is refused, then slowed down (429) itself ...
  expect(broken.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
  expect(broken.slice(5)).toEqual(Array(25).fill(429));
  // ... and every other charger of the site connects with its own password, seen before from this address or not.
  for (const id of ['SITE-1', 'SITE-2', 'SITE-3', 'SITE-4']) expect([id, await login(id, site)]).toEqual([id, 'open']);
});

test('an outsider failing logins for a named charger from elsewhere does not keep it offline', async () => {
  const outsider = ['127.0.0.3', '127.0.0.4', '127.0.0.5'];
  const seen: Array<number | 'open'> = [];
  for (let i = 0; i < 12; i++) for (const from of outsider) seen.push(await login('VICTIM-1', from, `guess-${i}`));
  // Each outsider address: 5 refusals, then slowed down.
  for (const [i, from] of outsider.entries())
    expect([from, seen.filter((_, k) => k % 3 === i)]).toEqual([from, [...Array(5).fill(401), ...Array(7).fill(429)]]);
  // The outsider's addresses stay slowed down, even with the right password ...
  expect(await login('VICTIM-1', outsider[0])).toBe(429);
  // ... the charger at its own address connects.
  expect(await login('VICTIM-1', '127.0.0.6')).toBe('open');
});

test('spraying identities from one address is slowed down, for that address only', async () => {
  const sprayer = '127.0.0.7';
  const seen: Array<number | 'open'> = [];
  for (let i = 0; i < 25; i++) seen.push(await attempt(`${csms.ocppUrl}/SPRAY-${i}`, sprayer, basic(`SPRAY-${i}`, 'guess')));
  expect(seen).toEqual([...Array(20).fill(404), ...Array(5).fill(429)]);
  // A real charger that never logged in from there is slowed down there too; from anywhere else it connects.
  expect(await login('SPRAY-TARGET', sprayer)).toBe(429);
  expect(await login('SPRAY-TARGET', '127.0.0.8')).toBe('open');
});

test('every refusal, 429 included, is a security event with its address and a count', async () => {
  const api = apiClient(csms.apiUrl);
  const events = async (id: string) =>
    ((await api.get(`/api/v1/chargers/${id}/security-events?limit=1000`)).body as { items: Array<{ type: string; remoteAddress: string; count: number }> })
      .items;
  const broken = await events('SITE-BROKEN');
  const throttled = broken.filter((e) => e.type === 'ConnectThrottled' && e.remoteAddress === '127.0.0.2');
  const invalid = broken.filter((e) => e.type === 'InvalidPassword' && e.remoteAddress === '127.0.0.2');
  expect(throttled.length).toBeGreaterThanOrEqual(1);
  expect(invalid.length).toBeGreaterThanOrEqual(1);
  // Aggregated: fewer rows than attempts, and the counts add up to the 30 attempts (counts flush within seconds).
  const total = async () => (await events('SITE-BROKEN')).filter((e) => e.remoteAddress === '127.0.0.2').reduce((n, e) => n + e.count, 0);
  const deadline = Date.now() + 30_000;
  while ((await total()) < 30 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  expect(await total()).toBe(30);
  expect(throttled.length + invalid.length).toBeLessThan(30);
  // The sprayer's 429s are one event per minute for the address, filed under the first identity it tried then.
  const all = await Promise.all(Array.from({ length: 25 }, (_, i) => events(`SPRAY-${i}`)));
  expect(all.flat().filter((e) => e.type === 'ConnectThrottled').length).toBeLessThanOrEqual(2);
  expect((await events('VICTIM-1')).some((e) => e.type === 'ConnectThrottled' && e.remoteAddress === '127.0.0.3')).toBe(true);
});
