/**
 * Local authorization list (docs/reference/design-decisions.md#driver-authorization) against the all-in-one process: a
 * raw OCPP charger in an idTag group
 * gets the group's tags as a Full SendLocalList when it connects, then a Differential when a tag is added, and
 * GET /api/v1/chargers/:id/local-auth-list shows what auth sent and how it went.
 */
import { jest } from '@jest/globals';
import { WebSocket } from 'ws';
import { apiClient } from '../support/api-client.js';
import { eventually, startService, type ServiceProcess } from '../support/processes.js';

jest.setTimeout(120_000);

interface SendLocalList {
  listVersion: number;
  updateType: 'Full' | 'Differential';
  localAuthorizationList?: Array<{ idTag: string; idTagInfo?: { status: string } }>;
}

let csms: ServiceProcess;
let ws: WebSocket | undefined;

beforeAll(async () => {
  csms = await startService();
});
afterAll(async () => {
  ws?.close();
  await csms?.stop();
});

/** A charger keeping a local list as OCPP 1.6 §5.15 says, and answering the CSMS's configuration reconciliation. */
async function listCharger(identity: string) {
  const socket = new WebSocket(`${csms.ocppUrl}/${identity}`, ['ocpp1.6']);
  const lists: SendLocalList[] = [];
  const answers: unknown[][] = [];
  let version = 0;
  socket.on('message', (d) => {
    const f = JSON.parse(d.toString()) as unknown[];
    if (f[0] !== 2) return void answers.push(f);
    const [, id, action, payload] = f as [number, string, string, Record<string, unknown>];
    const reply = (result: unknown) => socket.send(JSON.stringify([3, id, result]));
    if (action === 'GetConfiguration') return reply({ configurationKey: [], unknownKey: (payload.key as string[] | undefined) ?? [] });
    if (action === 'ChangeConfiguration') return reply({ status: 'NotSupported' });
    if (action === 'GetLocalListVersion') return reply({ listVersion: version });
    if (action === 'SendLocalList') {
      const req = payload as unknown as SendLocalList;
      lists.push(req);
      version = req.listVersion;
      return reply({ status: 'Accepted' });
    }
    socket.send(JSON.stringify([4, id, 'NotImplemented', `${action} not implemented by this test charger`, {}]));
  });
  await new Promise((r, j) => socket.once('open', r).once('error', j));
  socket.send(JSON.stringify([2, 'boot-1', 'BootNotification', { chargePointVendor: 'Acme', chargePointModel: 'ListTester' }]));
  await eventually(async () => (answers.some((f) => f[1] === 'boot-1') ? true : undefined), 'boot answer');
  return { socket, lists };
}

test('a charger in a group gets the Full list at connect, a Differential for a new tag, and GET shows the state', async () => {
  const api = apiClient(csms.apiUrl);
  const id = 'LLE2E0001';
  expect((await api.post('/api/v1/chargers', { id, securityProfile: 0 })).status).toBe(201);
  expect((await api.post('/api/v1/id-tags', { idTag: 'E2E-A', status: 'Accepted', group: 'e2e-site' })).status).toBe(201);
  expect((await api.post('/api/v1/id-tags', { idTag: 'E2E-B', status: 'Blocked', group: 'e2e-site' })).status).toBe(201);
  expect((await api.post('/api/v1/id-tags', { idTag: 'E2E-OTHER', status: 'Accepted', group: 'elsewhere' })).status).toBe(201);

  expect((await api.put(`/api/v1/chargers/${id}/local-auth-list`, { group: 7 })).status).toBe(400);
  expect((await api.put('/api/v1/chargers/NOBODY-LL/local-auth-list', { group: 'e2e-site' })).status).toBe(404);
  const put = await api.put(`/api/v1/chargers/${id}/local-auth-list`, { group: 'e2e-site' });
  expect(put.status).toBe(200);
  expect(put.body).toMatchObject({ chargerId: id, group: 'e2e-site' });
  // Not connected yet: recorded, and made good when it connects.
  await eventually(
    async () => ((await api.get(`/api/v1/chargers/${id}/local-auth-list`)).body?.outcome === 'not-connected' ? true : undefined),
    'not-connected recorded',
  );

  const charger = await listCharger(id);
  ws = charger.socket;
  const full = await eventually(async () => charger.lists.find((l) => l.updateType === 'Full'), 'Full SendLocalList');
  expect(full.localAuthorizationList).toEqual([
    { idTag: 'E2E-A', idTagInfo: { status: 'Accepted' } },
    { idTag: 'E2E-B', idTagInfo: { status: 'Blocked' } },
  ]);
  const synced = await eventually(async () => {
    const r = await api.get(`/api/v1/chargers/${id}/local-auth-list`);
    return r.body?.outcome === 'Accepted' ? r.body : undefined;
  }, 'Full update Accepted');
  expect(synced).toMatchObject({ group: 'e2e-site', listVersion: full.listVersion, updatedAt: expect.any(String) });

  expect((await api.post('/api/v1/id-tags', { idTag: 'E2E-C', status: 'Accepted', group: 'e2e-site' })).status).toBe(201);
  const diff = await eventually(async () => charger.lists.find((l) => l.updateType === 'Differential'), 'Differential SendLocalList');
  expect(diff).toEqual({
    listVersion: full.listVersion + 1,
    updateType: 'Differential',
    localAuthorizationList: [{ idTag: 'E2E-C', idTagInfo: { status: 'Accepted' } }],
  });
  const after = await eventually(async () => {
    const r = await api.get(`/api/v1/chargers/${id}/local-auth-list`);
    return r.body?.listVersion === diff.listVersion ? r.body : undefined;
  }, 'Differential recorded');
  expect(after).toMatchObject({ chargerId: id, group: 'e2e-site', outcome: 'Accepted' });
  // A tag of another group never reaches this charger.
  expect(JSON.stringify(charger.lists)).not.toContain('E2E-OTHER');
});
