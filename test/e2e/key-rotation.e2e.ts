/**
 * AuthorizationKey rotation (docs/reference/design-decisions.md#authorizationkey-rotation) against the all-in-one
 * process with our Zaptec simulator, which
 * applies a new key exactly as Zaptec's guide says (UseAuthorizationKeyWithoutDecoding: false = the
 * password is the hex-decoded key bytes, true = the key text) and reconnects with the new password.
 */
import { jest } from '@jest/globals';
import { WebSocket } from 'ws';
import { SimulatedCharger } from '../../apps/simulator/src/index.js';
import { apiClient } from '../support/api-client.js';
import { eventually, startService, type ServiceProcess } from '../support/processes.js';

jest.setTimeout(120_000);

let csms: ServiceProcess;
const chargers: SimulatedCharger[] = [];

beforeAll(async () => {
  csms = await startService({ env: { UNKNOWN_CHARGERS: 'reject' } });
});
afterAll(async () => {
  for (const c of chargers) await c.stop().catch(() => undefined);
  await csms?.stop();
});

function upgradeStatus(identity: string, password: Buffer): Promise<number | 'open'> {
  const auth = 'Basic ' + Buffer.concat([Buffer.from(`${identity}:`), password]).toString('base64');
  return new Promise((resolve) => {
    const ws = new WebSocket(`${csms.ocppUrl}/${identity}`, ['ocpp1.6'], { headers: { Authorization: auth } });
    ws.once('open', () => (ws.close(), resolve('open')));
    ws.once('unexpected-response', (_q, res) => (ws.terminate(), resolve(res.statusCode ?? 0)));
    ws.once('error', () => resolve(0));
  });
}

async function registeredSimulator(identity: string, withoutDecoding: boolean, chargerMode = withoutDecoding): Promise<SimulatedCharger> {
  const api = apiClient(csms.apiUrl);
  const reg = await api.post('/api/v1/chargers', {
    id: identity,
    securityProfile: 1,
    password: 'first-password-0001',
    useAuthorizationKeyWithoutDecoding: withoutDecoding,
  });
  expect(reg.status).toBe(201);
  const charger = new SimulatedCharger({
    url: csms.ocppUrl,
    identity,
    model: 'go',
    initialPassword: 'first-password-0001',
    keys: { UseAuthorizationKeyWithoutDecoding: String(chargerMode) },
    reconnectDelayMs: 100,
  });
  chargers.push(charger);
  const booted = new Promise<void>((r) => charger.once('booted', () => r()));
  charger.start();
  await booted;
  return charger;
}

async function rotationEnds(identity: string): Promise<{ state: string; outcome: string | null; newPasswordPending: boolean }> {
  const api = apiClient(csms.apiUrl);
  return eventually(async () => {
    const r = await api.get(`/api/v1/chargers/${identity}/authorization-key`);
    return r.status === 200 && r.body.state !== 'sending' ? r.body : undefined;
  }, `rotation of ${identity} to end`);
}

test.each([
  ['decoding on (UseAuthorizationKeyWithoutDecoding=false): password = hex-decoded bytes', false],
  ['decoding off (UseAuthorizationKeyWithoutDecoding=true): password = key text', true],
])('rotation %s', async (_name, withoutDecoding) => {
  const id = withoutDecoding ? 'ZAPROT000002' : 'ZAPROT000001';
  const charger = await registeredSimulator(id, withoutDecoding);
  const api = apiClient(csms.apiUrl);
  const rebooted = new Promise<void>((r) => charger.once('booted', () => r()));
  const started = await api.post(`/api/v1/chargers/${id}/authorization-key`, {});
  expect(started.status).toBe(202);
  const key = started.body.generatedKey as string;
  expect(typeof key).toBe('string');
  expect((await rotationEnds(id)).state).toBe('accepted');
  // The charger reconnects with the new password on its own and boots again.
  await rebooted;
  const newPassword = withoutDecoding ? Buffer.from(key, 'utf8') : Buffer.from(key, 'hex');
  expect(await upgradeStatus(id, newPassword)).toBe('open');
  // Once the charger used the new password, the old one stops working.
  expect(await upgradeStatus(id, Buffer.from('first-password-0001'))).toBe(401);
  // The key is never shown again.
  const state = await api.get(`/api/v1/chargers/${id}/authorization-key`);
  expect(JSON.stringify(state.body)).not.toContain(key);
});

test('a rotation the charger rejects keeps the old password valid', async () => {
  // The CSMS believes the key text is the password, but the charger decodes: it rejects a non-hex key.
  const id = 'ZAPROT000003';
  await registeredSimulator(id, true, false);
  const api = apiClient(csms.apiUrl);
  const started = await api.post(`/api/v1/chargers/${id}/authorization-key`, { key: 'plain-text-key-not-hex-1' });
  expect(started.status).toBe(202);
  const end = await rotationEnds(id);
  expect(end.state).toBe('rejected');
  expect(await upgradeStatus(id, Buffer.from('first-password-0001'))).toBe('open');
  expect(await upgradeStatus(id, Buffer.from('plain-text-key-not-hex-1'))).toBe(401);
});

test('a key the charger could not use is refused with 422 and never sent (OCPP-J example, decoding on)', async () => {
  const id = 'ZAPROT000004';
  await registeredSimulator(id, false);
  const res = await apiClient(csms.apiUrl).post(`/api/v1/chargers/${id}/authorization-key`, { key: '0001020304050607FFFFFFFFFFFFFFFFFFFFFFFF' });
  expect(res.status).toBe(422);
  expect(JSON.stringify(res.body)).toMatch(/control/i);
});
